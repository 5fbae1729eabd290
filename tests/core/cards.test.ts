import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { wechatyCaps } from '../../src/adapters/chat/wechaty/caps.ts';
import { answerHint } from '../../src/core/bot/texts.ts';
import type { ChannelCapabilities } from '../../src/core/channel.ts';
import { renderLesson, type PushInfo } from '../../src/core/lessons/render.ts';
import type { Lesson, Track } from '../../src/core/lessons/types.ts';
import type { OutMessage } from '../../src/core/messages.ts';
import { cardChoice, cardTaskId, parseCardTaskId, renderQuizCards } from '../../src/core/quiz/cards.ts';
import { escapeMarkdown, packBlocks, shownMarkdown, splitText, utf8Bytes } from '../../src/core/send/text.ts';

/** What the WeCom robots declare (text ≤ 2,048 bytes, markdown ≤ 4,096), with and without cards. */
const wecomCards: ChannelCapabilities = { ...wechatyCaps, hears: 'mentions', cards: true, listMembers: false, senderNames: false, maxTextBytes: 2048, maxMarkdownBytes: 4096, markdown: 'wecom' };
const mentionsOnly: ChannelCapabilities = { ...wecomCards, cards: false, markdown: 'dingtalk' };

const track: Track = { id: 'safety', title: '安全生产', dir: '/x', lessons: [] };
const ref = { gid: 12, day: '2026-12-07', kind: 'lesson' as const };
const lesson: Lesson = {
  id: 'safety-001', title: '上锁挂牌', kind: 'expert', body: '正文。', trackId: 'safety', file: '/x/1.yaml',
  quiz: [
    { question: '先做什么？', options: ['断电', '直接干'], answer: 'A', explain: '' },
    { question: '哪些做法符合《安全生产法》的要求？', options: ['作业前进行风险辨识并落实管控措施', '凭经验直接开工', '佩戴合格的劳动防护用品'], answer: 'AC', explain: '' },
  ],
};
const info = (caps: ChannelCapabilities): PushInfo => ({ track, number: 1, windowMinutes: 90, ref, caps, botName: '班前小助手' });
const texts = (out: OutMessage[]) => out.flatMap((m) => (m.kind === 'text' ? [m.text] : []));

describe('quiz cards', () => {
  test('task ids route back to their quiz and question, in characters every platform takes', () => {
    const id = cardTaskId(ref, 1);
    expect(id).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(parseCardTaskId(id)).toEqual({ ref, question: 1 });
    expect(parseCardTaskId('q_12_2026-12-07_lesson')).toBeUndefined();
    expect(parseCardTaskId('vote_123')).toBeUndefined();
    // A weekly review is a quiz of its own: its cards route to it, not to the day's lesson.
    const review = { ...ref, kind: 'review' as const };
    expect(parseCardTaskId(cardTaskId(review, 2))).toEqual({ ref: review, question: 2 });
  });

  test('one card per question; options too long for a card show as letters; multiple answers make a checkbox card', () => {
    expect(renderQuizCards(ref, lesson.quiz)).toEqual([
      { kind: 'card', taskId: cardTaskId(ref, 0), title: '小测 第 1/2 题', question: '先做什么？', options: ['A. 断电', 'B. 直接干'], multi: false },
      { kind: 'card', taskId: cardTaskId(ref, 1), title: '小测 第 2/2 题', question: '哪些做法符合《安全生产法》的要求？', options: ['A', 'B', 'C'], multi: true },
    ]);
  });

  test('a tap reads like a typed answer: letters sorted and upper case; impossible choices are none', () => {
    expect(cardChoice('ca', lesson.quiz[1])).toBe('AC');
    expect(cardChoice('B', lesson.quiz[0])).toBe('B');
    expect(cardChoice('AB', lesson.quiz[0])).toBeUndefined(); // single choice
    expect(cardChoice('D', lesson.quiz[1])).toBeUndefined(); // no such option
    expect(cardChoice('', lesson.quiz[0])).toBeUndefined();
  });

  test('with cards the lesson text comes first, then the cards; the text lists only the questions whose options the cards show as letters', () => {
    const out = renderLesson(lesson, info(wecomCards));
    expect(out.map((m) => m.kind)).toEqual(['text', 'card', 'card']);
    const [message] = texts(out);
    expect(message).toContain('【今日小测】90 分钟内点选下方卡片作答，以第一次提交为准。');
    expect(message).not.toContain('先做什么？');
    expect(message).toContain('2. 哪些做法符合《安全生产法》的要求？（多选）\nA. 作业前进行风险辨识并落实管控措施\nB. 凭经验直接开工');
  });

  test('where the bot hears only @-mentions and has no cards, the quiz asks for "@班前小助手 B"', () => {
    const out = renderLesson(lesson, info(mentionsOnly));
    expect(out.map((m) => m.kind)).toEqual(['text']);
    expect(texts(out)[0]).toContain('【今日小测】90 分钟内在群里 @班前小助手 并写上答案，如 “@班前小助手 1B 2AC”，以第一次回复为准。');
    expect(texts(renderLesson(lesson, info(wechatyCaps)))[0]).toContain('在群里直接回复答案，如 “1B 2AC”');
    // The hint for an answer the bot can't read shows an example it will hear.
    expect(answerHint('李明', lesson.quiz, '@班前小助手 ')).toContain('如 “@班前小助手 1B 2AC”');
  });
});

describe('messages split by UTF-8 bytes, never inside a question', () => {
  const many: Lesson = {
    ...lesson,
    body: Array.from({ length: 12 }, (_, i) => `第${i + 1}段。${'安全生产人人有责，'.repeat(20)}`).join('\n\n'),
    quiz: Array.from({ length: 9 }, (_, i) => ({ question: `第${i + 1}题：${'题干'.repeat(30)}？`, options: ['选项甲'.repeat(20), '选项乙'.repeat(20), '选项丙'.repeat(20)], answer: 'A', explain: '' })),
  };

  test('every message fits the byte limit as sent (escaped markdown), and each question stays whole in one message', () => {
    const out = texts(renderLesson(many, info(mentionsOnly)));
    expect(out.length).toBeGreaterThan(3);
    for (const t of out) expect(utf8Bytes(escapeMarkdown(t, 'dingtalk'))).toBeLessThanOrEqual(4096);
    for (const q of many.quiz) expect(out.filter((t) => t.includes(q.question) && t.includes(`C. ${q.options[2]}`))).toHaveLength(1);
    // Nothing lost, nothing added: the pieces put together are the whole text.
    expect(out.join('\n\n')).toBe(texts(renderLesson(many, info({ ...mentionsOnly, maxMarkdownBytes: 1e6 }))).join('\n\n'));
  });

  test('counts bytes, not characters: 1,000 Chinese characters are over a 2,048-byte limit', () => {
    const plain: ChannelCapabilities = { ...wechatyCaps, maxTextBytes: 2048 };
    const parts = splitText('字'.repeat(1000), plain);
    expect(parts.map((p) => utf8Bytes(p))).toEqual([2046, 954]);
    expect(splitText('字'.repeat(682), plain)).toHaveLength(1);
  });

  test('a block too big for one message is split at paragraphs, then lines, then characters', () => {
    const small: ChannelCapabilities = { ...wechatyCaps, maxTextBytes: 12 };
    expect(packBlocks(['ab\n\ncd', 'efghijklmnopqrstu'], small)).toEqual(['ab\n\ncd', 'efghijklmnop', 'qrstu']);
    expect(packBlocks(['abcdefgh\nijklmnop'], small)).toEqual(['abcdefgh', 'ijklmnop']);
    // A long list breaks after its separators, so no name is cut in two.
    expect(packBlocks(['张三、李四四、王五'], small)).toEqual(['张三、', '李四四、', '王五']);
  });
});

describe('plain text as markdown', () => {
  test('formatting characters are escaped, so the text shows as written', () => {
    expect(escapeMarkdown('# 第1课\n1. 选 *A* 或 [B](x)\n> 引用 <font>', 'wecom')).toBe('\\# 第1课\n1\\. 选 \\*A\\* 或 \\[B\\](x)\n\\> 引用 \\<font\\>');
  });

  test('the escaped text shows exactly as written (what the WeCom demo page shows)', () => {
    expect(shownMarkdown('1\\. 选 \\*A\\* 路径 C:\\\\x')).toBe('1. 选 *A* 路径 C:\\x');
    fc.assert(fc.property(fc.string({ unit: 'grapheme' }), (text) => shownMarkdown(escapeMarkdown(text, 'wecom')) === text));
  });

  test("DingTalk's markdown joins single line breaks, so each becomes a hard break", () => {
    expect(escapeMarkdown('甲\n乙', 'dingtalk')).toBe('甲  \n乙');
  });
});
