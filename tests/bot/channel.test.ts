import { describe, expect, test } from 'vitest';
import { createApp } from '../../src/app/compose.ts';
import { runVirtual } from '../../src/app/virtual.ts';
import { cardTaskId } from '../../src/core/quiz/cards.ts';
import { newPrefix, redisUrl } from '../helpers/redis.ts';
import { runScenario, silentLog, testConfig } from '../helpers/sim.ts';
import { wechatyCaps } from '../../src/adapters/chat/wechaty/caps.ts';
import { utf8Bytes } from '../../src/core/send/text.ts';

const at = (hhmm: string) => Date.parse(`2026-12-08T${hhmm}:00+08:00`);

describe('a tap on a quiz card is recorded exactly as a typed answer', () => {
  test('routed to its quiz by task id: first answer counts, hidden until the close, late after it; bad taps are ignored', async () => {
    let t = at('07:00');
    const clock = { now: () => t, set: (to: number) => (t = to) };
    const sent: string[] = [];
    const app = await createApp({ config: testConfig(), clock, redisUrl: redisUrl(), prefix: newPrefix(), log: silentLog, onSent: (_t, m) => sent.push(m.kind === 'text' ? m.text : '') });
    const run = async (until: number) => {
      await app.chat.idle();
      await runVirtual(app, clock, until);
      clock.set(until);
    };
    try {
      const world = app.world!;
      world.addRoom({ topic: '总装车间一班', owner: '张班长', members: ['李明', '王芳', '赵强'] });
      world.say('张班长', '报名 demo 07:50', '总装车间一班');
      await run(at('07:01'));
      world.say('张班长', '立即推送', '总装车间一班');
      await run(at('07:05'));
      const [g] = await app.store.activeGroups();
      const ref = { gid: g.gid, day: '2026-12-08', kind: 'lesson' as const };
      const tap = (name: string, letters: string, when: number, more: { taskId?: string; chatId?: string } = {}) =>
        app.bot.handleCard({ taskId: more.taskId ?? cardTaskId(ref, 0), chatId: more.chatId ?? g.roomId, sender: { id: world.contact(name).id, name }, letters, at: when });

      await tap('李明', 'B', at('07:10')); // right
      await tap('李明', 'A', at('07:11')); // a second tap: the first counts
      world.say('李明', 'A', '总装车间一班'); // and a typed answer after the tap changes nothing either
      await tap('王芳', 'a', at('07:12')); // wrong, lower case from a platform is still A
      await tap('赵强', 'AB', at('07:13')); // two letters on a single-choice question: not an answer
      await tap('赵强', 'B', at('07:14'), { taskId: cardTaskId(ref, 5) }); // no such question
      await tap('赵强', 'B', at('07:15'), { taskId: 'something-else' }); // not one of ours
      await tap('赵强', 'B', at('07:16'), { chatId: 'another-room' }); // a card forwarded to another chat
      await run(at('07:20'));
      // Hidden until the close: nothing was said about the taps in the group.
      expect(sent.filter((s) => !s.startsWith('【班前十分钟】') && !s.startsWith('已报名'))).toEqual([]);
      const first = await app.store.firstAnswers(g.gid, ref.day);
      const names = await app.store.workerNames(Object.keys(first).map((f) => Number(f.split(':')[0])));
      expect(Object.fromEntries(names.map((n, i) => [n, Object.values(first)[i].split('|').slice(0, 3).join('|')]))).toEqual({ 李明: 'B|1|1', 王芳: 'A|0|1' });

      await run(at('09:10')); // the window (120 min) closed at 09:0x
      const summary = sent.find((s) => s.startsWith('【小测揭晓】'))!;
      expect(summary).toContain('参与：2/4 人');
      expect(summary).toContain('最先全对：李明');
      await tap('赵强', 'B', at('09:20')); // after the close: late (补学)
      const after = await app.store.firstAnswers(g.gid, ref.day);
      const wid = (await app.store.lookupWorkers(g.gid, [world.contact('赵强').id], ['赵强']))[0]!;
      expect(after[`${wid}:0`]).toBe('B|1|0');
    } finally {
      await app.stop();
    }
  }, 60_000);
});

describe('replies are split by bytes to fit the channel', () => {
  test('统计 of a 400-person group is more than one WeChat message fits: it goes out in pieces, each within the limit, nothing lost', async () => {
    const members = Array.from({ length: 400 }, (_, i) => `装配工${String(i + 1).padStart(3, '0')}`);
    const lines = await runScenario(`
start: "2026-12-08T07:00:00+08:00"
until: "2026-12-08T07:30:00+08:00"
rooms:
  - {topic: 总装车间一班, owner: 张班长, members: [${members.join(', ')}]}
events:
  - {at: "2026-12-08T07:01:00+08:00", room: 总装车间一班, from: 张班长, text: "报名 demo 07:50"}
  - {at: "2026-12-08T07:02:00+08:00", room: 总装车间一班, from: 张班长, text: "立即推送"}
  - {at: "2026-12-08T07:10:00+08:00", room: 总装车间一班, from: 张班长, text: "统计"}
`);
    const stats = lines.filter((l) => l.at >= '2026-12-08T07:10').map((l) => l.text);
    expect(stats.length).toBeGreaterThan(1);
    for (const s of stats) expect(utf8Bytes(s)).toBeLessThanOrEqual(wechatyCaps.maxTextBytes);
    expect(stats[0]).toMatch(/^【本周参与】总装车间一班/);
    const all = stats.join('\n');
    for (const m of members) expect(all).toContain(m);
  }, 60_000);
});
