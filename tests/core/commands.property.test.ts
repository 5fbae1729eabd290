import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { loadOrg } from '../../src/config/org.ts';
import { commandWords, parseCommand, type CommandVocabulary } from '../../src/core/bot/commands.ts';
import { timed } from '../helpers/timed.ts';

const runs = 100_000;
const org = loadOrg('config/org.yaml');
const vocabulary: CommandVocabulary = {
  isCourse: (w) => ['safety', 'rights', '安全生产', '职工权益'].includes(w),
  isOrgNode: (q) => org.find(q).candidates.length > 0,
};
const bareWords = Object.values(commandWords).flatMap((ws) => ws.filter((w) => !w.startsWith('/')));
const allWords = Object.values(commandWords).flat();

/**
 * Words people chat with. Each has a character outside every argument shape (time, days, window
 * minutes, team names, track ids), so after a command word they are never arguments.
 */
const chatWords = [
  '一下', '了吗', '天啊', '到了', '先开会', '大家好', '周五聚餐', '没问题', '怎么回事', '不行', '好的', '吧', '呢', '还没', '开始吧', '明天的活动', '你来一下',
  '辛苦了', '什么时候', '谁知道', '哈哈', '收到', '我们', '的事', '说一下', '下午', '去食堂', '加油', '记得', '真的假的', '稍等', '马上', '太好了', '别忘了',
];
const punctuation = fc.constantFrom('', '，', '。', '！', '？', '…', ',', '!');
const chatTail = fc.array(fc.tuple(fc.constantFrom(...chatWords), punctuation), { minLength: 1, maxLength: 6 }).map((ws) => ws.map(([w, p]) => w + p).join(''));

describe('parseCommand on 100,000 generated inputs', () => {
  test('never throws, answers within 50 ms, and anything it returns is a known command', () => {
    const p = timed(parseCommand);
    const piece = fc.constantFrom(...allWords, ' ', '  ', '　', '@', '@班前小助手', '07:50', '25:00', '8点', '1-5', '周一到周五', '90', '添加', 'add', '/', '／', '总装车间一班', '班', 'safety', '安全生产', ...chatWords);
    const text = fc.oneof(
      fc.array(piece, { maxLength: 12 }).map((ps) => ps.join('')),
      fc.array(piece, { maxLength: 12 }).map((ps) => ps.join(' ')),
      fc.string({ maxLength: 250 }),
      fc.string({ unit: 'binary', maxLength: 250 }),
    );
    fc.assert(
      fc.property(text, fc.boolean(), (t, addressed) => {
        const out = p.call(t, addressed, vocabulary);
        if (out) expect(Object.keys(commandWords)).toContain(out.name);
      }),
      { numRuns: runs },
    );
    expect(p.max).toBeLessThan(50);
  });

  test('chat stays chat: a bare command word followed by ordinary words is not a command', () => {
    const p = timed(parseCommand);
    fc.assert(
      fc.property(fc.constantFrom(...bareWords), fc.constantFrom(' ', '　', '  '), chatTail, fc.array(fc.tuple(fc.constantFrom(' '), chatTail), { maxLength: 2 }), (word, space, tail, more) => {
        const text = `${word}${space}${tail}${more.map(([s, t]) => s + t).join('')}`;
        expect(p.call(text, false, vocabulary)).toBeUndefined();
        // Glued to the word it is chat too ("暂停一下"), and so is a sentence that merely contains a command word.
        expect(p.call(`${word}${tail}`, false, vocabulary)).toBeUndefined();
        expect(p.call(`${tail} ${word}`, false, vocabulary)).toBeUndefined();
      }),
      { numRuns: runs },
    );
    expect(p.max).toBeLessThan(50);
  });

  test('a command word with arguments of its shape is an attempt, whatever the values', () => {
    const p = timed(parseCommand);
    const hhmm = fc.tuple(fc.integer({ min: 0, max: 99 }), fc.integer({ min: 0, max: 99 }), fc.constantFrom(':', '：', '点')).map(([h, m, s]) => `${h}${s}${m}`);
    const attempt = fc.oneof(
      hhmm.map((t) => ['时间', t]),
      fc.integer({ min: 0, max: 99_999 }).map((n) => ['答题时长', String(n)]),
      fc.array(fc.constantFrom(...'1234567890,-、'), { minLength: 1, maxLength: 8 }).map((d) => ['工作日', d.join('')]),
      fc.tuple(fc.constantFrom('safety', '安全生产', 'cooking', 'x1'), hhmm).map(([t, h]) => ['报名', t, h]),
      fc.constantFrom('总装车间一班', '不存在的班', '总装车间', '江都区总工会/江都机械有限公司').map((t) => ['班组', t]),
      fc.constantFrom('暂停', '恢复', '退订', '确认退订', '立即推送', '统计', '我的', '帮助').map((w) => [w]),
    );
    fc.assert(
      fc.property(attempt, (words) => {
        expect(p.call(words.join(' '), false, vocabulary)).toMatchObject({ args: words.slice(1).map((w) => w.normalize('NFKC')), explicit: false });
      }),
      { numRuns: runs },
    );
    expect(p.max).toBeLessThan(50);
  });
});
