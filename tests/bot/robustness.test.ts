import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { createApp } from '../../src/app/compose.ts';
import { startRedisServer } from '../../src/adapters/store/redis/server.ts';
import { freePort } from '../../src/adapters/store/redis/server.ts';
import { newPrefix } from '../helpers/redis.ts';
import { brief, fixtureLessons, runScenario, silentLog, testConfig } from '../helpers/sim.ts';

const at = (hhmmss: string) => `"2026-12-08T${hhmmss}+08:00"`;
const summaryOf = (lines: { text: string }[]) => lines.find((l) => l.text.startsWith('【小测揭晓】'))!.text;

describe('bad input never takes the bot down, and figures stay right', () => {
  test('huge, emoji-only and a flood of 1,000 messages in a minute; a late joiner\'s answer counts', async () => {
    const chatter = Array.from({ length: 1000 }, (_, i) => {
      const second = String(Math.floor((i * 60) / 1000)).padStart(2, '0');
      const text = i % 100 === 0 ? 'B' : i % 3 === 0 ? '😀🎉👍' : `今天食堂吃什么 ${i}`;
      return `  - {at: ${at(`08:10:${second}`)}, room: 总装车间一班, from: 李明, text: "${text}"}`;
    }).join('\n');
    const lines = await runScenario(`
start: "2026-12-08T07:00:00+08:00"
until: "2026-12-08T10:00:00+08:00"
rooms:
  - {topic: 总装车间一班, owner: 张班长, members: [李明, 王芳]}
events:
  - {at: ${at('07:05:00')}, room: 总装车间一班, from: 张班长, text: "报名 demo 07:50"}
  - {at: ${at('07:06:00')}, room: 总装车间一班, from: 张班长, text: "立即推送"}
  - {at: ${at('08:00:00')}, room: 总装车间一班, from: 王芳, text: "${'长'.repeat(10_000)}"}
  - {at: ${at('08:00:01')}, room: 总装车间一班, from: 王芳, text: "@班前小助手 ${'/help '.repeat(2000)}"}
  - {at: ${at('08:01:00')}, room: 总装车间一班, from: 王芳, text: "🙂🙂🙂"}
${chatter}
  - {at: ${at('08:20:00')}, room: 总装车间一班, join: 新来的小周}
  - {at: ${at('08:21:00')}, room: 总装车间一班, from: 新来的小周, text: "b"}
  - {at: ${at('08:22:00')}, room: 总装车间一班, from: 王芳, text: "A"}
`);
    // The flood got no replies, the long chat none either (the @-mention only a short help); the bot still pushed and closed.
    expect(brief(lines).map((l) => l.replace(/: (.).*/, ': $1'))).toEqual([
      '12-08T07:05 总装车间一班: 已', '12-08T07:06 总装车间一班: 【', '12-08T08:00 总装车间一班: 我', '12-08T08:10 总装车间一班: 已', '12-08T08:36 总装车间一班: 还', '12-08T08:36 →张班长: 【', '12-08T08:40 总装车间一班: 已', '12-08T09:06 总装车间一班: 【',
    ]);
    expect(lines[2].text).toMatch(/^我是班前小助手/);
    // 李明's first "B" counts once among a thousand messages; the late joiner is counted in X and Y.
    expect(summaryOf(lines)).toContain('参与：3/4 人（75%，按群成员），全部答对 2 人。');
    expect(summaryOf(lines)).toContain('👏 最先全对：李明、新来的小周');
  });

  test('a lesson file that breaks between two days is passed over: the group gets the next valid lesson', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'banqian-lessons-'));
    cpSync(fixtureLessons, dir, { recursive: true });
    const config = testConfig((c) => (c.lessonsDir = dir));
    const prefix = newPrefix();
    const room = 'rooms:\n  - {topic: 总装车间一班, owner: 张班长, members: [李明]}\n';
    const day1 = await runScenario(`start: "2026-12-07T07:00:00+08:00"\nuntil: "2026-12-07T12:00:00+08:00"\n${room}events:\n  - {at: "2026-12-07T07:05:00+08:00", room: 总装车间一班, from: 张班长, text: "报名 demo 07:50"}\n`, { prefix, config });
    writeFileSync(join(dir, 'demo/002-two.yaml'), 'id: demo-002\ntitle: [broken\n');
    const day2 = await runScenario(`start: "2026-12-08T07:00:00+08:00"\nuntil: "2026-12-08T12:00:00+08:00"\n${room}events: []\n`, { prefix, config });
    expect(brief(day1)[1]).toBe('12-07T07:49 总装车间一班: 【班前十分钟】测试课程 第 1 课 · 理论+专家学者');
    expect(brief(day2)[0]).toBe('12-08T07:49 总装车间一班: 【班前十分钟】测试课程 第 2 课 · 理论+劳模工匠');
    expect(day2[0].text).toContain('《第三课》');
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('Redis unreachable for 30 s during a quiz', () => {
  test('answers that arrive meanwhile are kept, written when Redis returns, and judged by arrival time', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'banqian-outage-'));
    const port = await freePort();
    let server = await startRedisServer({ dir, port, aof: true });
    const clock = { t: Date.parse('2026-12-08T07:00:00+08:00'), now: () => clock.t };
    const sent: string[] = [];
    const app = await createApp({ config: testConfig(), clock, redisUrl: server.url, prefix: newPrefix(), log: silentLog, onSent: (_t, m) => sent.push(m.kind === 'text' ? m.text : '') });
    const pumpFor = async (ms: number) => {
      for (const end = clock.t + ms; clock.t < end; clock.t += 1000) {
        await app.pump();
        await app.chat.idle();
      }
    };
    try {
      app.world!.addRoom({ topic: '总装车间一班', owner: '张班长', members: ['李明', '王芳', '赵强'] });
      app.world!.say('张班长', '报名 demo 07:50', '总装车间一班');
      await app.chat.idle();
      app.world!.say('张班长', '立即推送', '总装车间一班');
      await app.chat.idle();
      await pumpFor(20_000);
      expect(sent.filter((t) => t.startsWith('【班前十分钟】'))).toHaveLength(1);

      // Pushed at 07:00:0x, so the window closes at 09:00:0x; the answers arrive just before that,
      // Redis is away until after it, and they must still count as on time.
      clock.t = Date.parse('2026-12-08T08:59:58+08:00');
      await server.stop();
      app.world!.say('李明', 'B', '总装车间一班');
      app.world!.say('王芳', 'C', '总装车间一班');
      await new Promise((r) => setTimeout(r, 1500)); // delivered to the bot, which now waits on Redis
      clock.t += 30_000;
      server = await startRedisServer({ dir, port, aof: true }); // back, with its AOF
      await app.chat.idle();

      clock.t = Date.parse('2026-12-08T09:10:00+08:00');
      await app.tick();
      await pumpFor(10_000);
      const summary = sent.find((t) => t.startsWith('【小测揭晓】'))!;
      expect(summary).toContain('参与：2/4 人（50%，按群成员），全部答对 1 人。');
      expect(summary).toContain('👏 最先全对：李明');
    } finally {
      await app.stop();
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
