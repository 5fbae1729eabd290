import { describe, expect, test } from 'vitest';
import { brief, runScenario, testConfig } from '../helpers/sim.ts';

const config = testConfig((c) => (c.orgFile = 'config/org.yaml'));
const room = `
rooms:
  - topic: 总装车间一班
    owner: 张班长
    members: [李明, 王芳, 孙伟, 周丽]
`;
const say = (at: string, from: string, text: string) => `  - {at: "2026-12-${at}:00+08:00", room: 总装车间一班, from: ${from}, text: "${text}"}`;
const privately = (at: string, from: string, text: string) => `  - {at: "2026-12-${at}:00+08:00", from: ${from}, text: "${text}"}`;
const scenario = (until: string, events: string[]) =>
  `start: "2026-12-07T06:59:00+08:00"\nuntil: "2026-12-${until}:00+08:00"\n${room}events:\n${say('07T07:00', '张班长', '报名 demo 07:50')}\n${events.join('\n')}\n`;

describe('explore', () => {
  test('x', async () => {
    const lines = await runScenario(scenario('08T12:00', [
      say('07T07:01', '李明', '请假 3 回老家'),
      say('07T07:02', '王芳', '请假 12-08..12-10'),
      say('07T07:03', '张班长', '班长 请假 @周丽 1 病假'),
      say('07T07:04', '孙伟', '请假 0'),
      say('07T07:05', '孙伟', '请假 400'),
      say('07T07:06', '孙伟', '请假 13-01'),
      say('07T07:07', '孙伟', '请假 12-10..12-08'),
      say('07T07:08', '孙伟', '请假 2026-12-01'),
      say('07T08:00', '孙伟', 'B'),
      say('07T08:01', '李明', 'B'),
      privately('07T12:00', '孙伟', '请假 1 出差'),
      say('08T08:00', '孙伟', 'B'),
      say('08T08:10', '张班长', '统计'),
      say('08T08:11', '李明', '销假'),
    ]), { config });
    console.log(lines.map((l) => `${l.at.slice(5, 16)} ${l.room ?? `→${l.to}`}: ${l.text}`).join('\n'));
  });
});
