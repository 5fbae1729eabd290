import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { brief, fixtureLessons, runScenario, silentLog, testConfig } from '../helpers/sim.ts';
import { aliasBomb } from './fixtures.ts';

test('a running bot logs an alias bomb in one lesson and keeps pushing the others', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'banqian-running-'));
  cpSync(fixtureLessons, dir, { recursive: true });
  writeFileSync(join(dir, 'demo/000-bomb.yaml'), aliasBomb('demo-000'));
  const errors: string[] = [];
  const log = { ...silentLog, info: () => {}, warn: () => {}, error: (o: object | string) => void errors.push(JSON.stringify(o)) };
  const lines = await runScenario(
    `
start: "2026-12-07T07:00:00+08:00"
until: "2026-12-07T08:00:00+08:00"
rooms:
  - {topic: 一班, owner: 张班长, members: [李明]}
events:
  - {at: "2026-12-07T07:05:00+08:00", room: 一班, from: 张班长, text: "报名 demo 07:50"}
`,
    { config: testConfig((c) => (c.lessonsDir = dir)), log },
  );
  expect(brief(lines).slice(1)).toEqual(['12-07T07:49 一班: 【班前十分钟】测试课程 第 1 课 · 理论+专家学者']);
  expect(errors.some((e) => /000-bomb\.yaml:14:10: 错误：别名/.test(e))).toBe(true);
});
