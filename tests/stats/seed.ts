import type { Config } from '../../src/config/config.ts';
import { runScenario, testConfig } from '../helpers/sim.ts';

/** Settings for the officers' tests: the fixture lessons and the sample org tree. */
export const statsConfig = (): Config => testConfig((c) => (c.orgFile = 'config/org.yaml'));

/**
 * Two days for three groups with answers whose figures are known by hand:
 *   总装车间一班 (bound on day 2 — its day-1 figures must move with it): 4 members
 *     12-07 demo-001 (B): 李明 B ✓, "=HYPERLINK(1)" A ✗, 王芳 B late → answered 2, correct 1, late 1
 *     12-08 demo-002 (A, C): 李明 1A 2C ✓ → answered 1, correct 1
 *   机加车间二班 (bound on day 1): 3 members; 12-07 孙伟 B ✓; 12-08 nobody → answered 1, correct 1
 *   涂装车间三班 (never bound: 未归属): 2 members, nobody answers
 */
export async function seedTwoDays(prefix: string): Promise<void> {
  await runScenario(
    `
start: "2026-12-07T06:30:00+08:00"
until: "2026-12-08T20:00:00+08:00"
rooms:
  - {topic: 总装车间一班, owner: 张班长, members: [张班长, 李明, 王芳, "=HYPERLINK(1)"]}
  - {topic: 机加车间二班, owner: 刘组长, members: [刘组长, 孙伟, 周丽]}
  - {topic: 涂装车间三班, owner: 吴班长, members: [吴班长, 郑华]}
events:
  - {at: "2026-12-07T06:40:00+08:00", room: 总装车间一班, from: 张班长, text: "报名 demo 07:50"}
  - {at: "2026-12-07T06:41:00+08:00", room: 机加车间二班, from: 刘组长, text: "报名 demo 07:50"}
  - {at: "2026-12-07T06:42:00+08:00", room: 涂装车间三班, from: 吴班长, text: "报名 demo 07:50"}
  - {at: "2026-12-07T06:43:00+08:00", room: 机加车间二班, from: 刘组长, text: "班组 机加车间二班"}
  - {at: "2026-12-07T08:00:00+08:00", room: 总装车间一班, from: 李明, text: "B"}
  - {at: "2026-12-07T08:00:00+08:00", room: 总装车间一班, from: "=HYPERLINK(1)", text: "A"}
  - {at: "2026-12-07T08:01:00+08:00", room: 机加车间二班, from: 孙伟, text: "B"}
  - {at: "2026-12-07T12:00:00+08:00", room: 总装车间一班, from: 王芳, text: "B"}
  - {at: "2026-12-08T06:01:00+08:00", room: 总装车间一班, from: 张班长, text: "@班前小助手 班组 总装车间一班"}
  - {at: "2026-12-08T08:00:00+08:00", room: 总装车间一班, from: 李明, text: "1A 2C"}
`,
    { prefix, config: statsConfig() },
  );
}
