import { describe, expect, test } from 'vitest';
import { loadScenario } from '../../src/app/scenario.ts';
import { simulate, type SentLine } from '../../src/app/simulate.ts';
import type { SimChannel } from '../../src/app/sim/channels.ts';
import { runCli } from '../helpers/cli.ts';
import { newPrefix, redisUrl } from '../helpers/redis.ts';
import { silentLog, testConfig } from '../helpers/sim.ts';

const scenario = 'tests/fixtures/scenarios/three-days.yaml';

interface Report {
  teams: { room: string; gid?: number }[];
  workers: { room: string; name: string }[];
}

/** Runs the scenario on one channel, then reads `banqian stats --format json` for its prefix, as an officer would. */
async function run(channel: SimChannel) {
  const prefix = newPrefix();
  const lines: SentLine[] = [];
  const { received } = await simulate(loadScenario(scenario), { config: testConfig(), redisUrl: redisUrl(), prefix, log: silentLog, channel, onLine: (l) => lines.push(l) });
  const r = runCli(['stats', '--prefix', prefix, '--format', 'json', '--from', '2026-12-01', '--to', '2026-12-31'], { env: { REDIS_URL: redisUrl(), LOG_LEVEL: 'silent' } });
  expect(r.stderr).toBe('');
  const report = JSON.parse(r.stdout) as Report;
  // A group's number is the order the platform introduced it in, not a figure; lists are compared by room and name.
  for (const t of report.teams) delete t.gid;
  report.teams.sort((a, b) => a.room.localeCompare(b.room));
  report.workers.sort((a, b) => `${a.room}/${a.name}`.localeCompare(`${b.room}/${b.name}`));
  return { lines, received, report };
}

describe('a scenario on every channel', () => {
  test('gives the same figures on the WeChat simulator, the WeCom robot (card taps) and the DingTalk robot (@-answers)', async () => {
    const wechaty = await run('wechaty');
    const wecom = await run('wecom-sim');
    const dingtalk = await run('dingtalk-sim');

    expect(wechaty.report.teams.map((t) => t.room)).toEqual(['总装车间一班', '机加车间二班'].sort((a, b) => a.localeCompare(b)));
    expect(wechaty.report.workers.length).toBe(5);
    expect(wecom.report).toEqual(wechaty.report);
    expect(dingtalk.report).toEqual(wechaty.report);

    // WeCom: quizzes went out as cards (one per question: 1 + 2 + 1 a day for two rooms), and every answered
    // question of the scenario arrived as a tap (a second answer too, which counts nothing): 6 on Monday,
    // 8 on Tuesday ("1A 2C" and "AC" are two taps each), 3 on Wednesday.
    const cards = wecom.lines.filter((l) => l.card);
    expect(cards.map((l) => l.room).sort()).toEqual([...Array(4).fill('总装车间一班'), ...Array(4).fill('机加车间二班')].sort());
    expect(cards[0]).toMatchObject({ text: '检修前先做什么？', card: expect.stringMatching(/^q_\d+_2026-12-07_lesson_0$/) });
    expect(wecom.received.cardAnswers).toBe(17);
    // DingTalk: no cards, every answer is an @-message.
    expect(dingtalk.lines.some((l) => l.card)).toBe(false);
    expect(dingtalk.received).toEqual({ messages: 20, cardAnswers: 0 });
    // Rooms keep their scenario topics, private messages their person, on every channel.
    for (const r of [wecom, dingtalk]) {
      expect(new Set(r.lines.map((l) => l.room))).toEqual(new Set(['总装车间一班', '机加车间二班', null]));
      // Besides the reminders' private lists to each room's leader, on every channel.
      expect(r.lines.filter((l) => l.to && !l.text.startsWith('【答题提醒】')).map((l) => l.to)).toEqual(['李明']);
      const listsTo = (lines: SentLine[]) => lines.filter((l) => l.text.startsWith('【答题提醒】')).map((l) => `${l.at.slice(0, 16)} ${l.to}`).sort();
      expect(listsTo(r.lines)).toEqual(listsTo(wechaty.lines));
    }
  }, 120_000);

  test('`banqian simulate --channel` runs the scenario on the chosen channel; an unknown channel is refused', () => {
    const env = { REDIS_URL: redisUrl(), LOG_LEVEL: 'silent' };
    const r = runCli(['simulate', scenario, '--lessons', 'tests/fixtures/lessons', '--channel', 'wecom-sim'], { env, timeout: 60_000 });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as SentLine);
    expect(lines.filter((l) => l.card)).toHaveLength(8);
    // Every stdout line is JSON on DingTalk too, whose SDK prints to the console.
    const ding = runCli(['simulate', scenario, '--lessons', 'tests/fixtures/lessons', '--channel', 'dingtalk-sim'], { env, timeout: 60_000 });
    expect(ding.code).toBe(0);
    const dingLines = ding.stdout.trim().split('\n');
    expect(dingLines.filter((l) => !l.startsWith('{"at":'))).toEqual([]);
    expect(dingLines.length).toBeGreaterThan(10);
    const bad = runCli(['simulate', scenario, '--channel', 'wecom'], { env });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/wechaty, wecom-sim, dingtalk-sim/);
  }, 60_000);
});
