import { describe, expect, test } from 'vitest';
import { wechatyCaps } from '../../src/adapters/chat/wechaty/caps.ts';
import { wecomWebhookCaps } from '../../src/adapters/chat/wecom-webhook/index.ts';
import { renderLesson, type PushInfo } from '../../src/core/lessons/render.ts';
import type { Lesson, Track } from '../../src/core/lessons/types.ts';

const track: Track = { id: 'safety', title: '安全生产', dir: '/x', lessons: [] };
const base: Lesson = {
  id: 'safety-001', title: '上锁挂牌', kind: 'model-worker', body: '正文。', source: '《安全生产法》', trackId: 'safety', file: '/x/1.yaml',
  quiz: [
    { question: '先做什么？', options: ['断电', '直接干'], answer: 'A', explain: '先断电。' },
    { question: '哪些对？', options: ['甲', '乙', '丙'], answer: 'AC', explain: '甲丙都对。' },
  ],
};

const ref = { gid: 7, day: '2026-12-07', kind: 'lesson' as const };
const info = (number: number, windowMinutes: number, more: Partial<PushInfo> = {}): PushInfo => ({ track, number, windowMinutes, ref, caps: wechatyCaps, botName: '班前小助手', ...more });

describe('renderLesson', () => {
  test('on a channel that hears nothing, the quiz points to the answer page instead of asking for a reply', () => {
    const [msg] = renderLesson(base, info(1, 60, { caps: wecomWebhookCaps, answerUrl: 'https://banqian.example.cn/q/abc' }));
    expect(msg).toMatchObject({ kind: 'text' });
    expect((msg as { text: string }).text).toContain('【今日小测】60 分钟内点开链接答题，以第一次提交为准：https://banqian.example.cn/q/abc');
    expect((msg as { text: string }).text).not.toContain('直接回复');
  });

  test('merges lesson and quiz into one text with numbered questions, multi-choice marked', () => {
    const [msg, ...rest] = renderLesson(base, info(3, 90));
    expect(rest).toEqual([]);
    expect(msg).toEqual({
      kind: 'text',
      text: [
        '【班前十分钟】安全生产 第 3 课 · 理论+劳模工匠', '《上锁挂牌》', '', '正文。', '', '出处：《安全生产法》', '',
        '【今日小测】90 分钟内在群里直接回复答案，如 “1B 2AC”，以第一次回复为准。', '',
        '1. 先做什么？', 'A. 断电', 'B. 直接干', '', '2. 哪些对？（多选）', 'A. 甲', 'B. 乙', 'C. 丙',
      ].join('\n'),
    });
  });

  test('says "（多选）" once when the question already does, and the example shows multiple choice only when there is one', () => {
    const marked = { ...base, quiz: [{ ...base.quiz[1], question: '哪些对？（多选）' }] };
    const [multi] = renderLesson(marked, info(1, 90));
    expect(multi.kind === 'text' && multi.text).toContain('如 “AC”，以第一次回复为准。\n\n哪些对？（多选）\nA. 甲');
    const [single] = renderLesson({ ...base, quiz: [base.quiz[0], base.quiz[0]] }, info(1, 90));
    expect(single.kind === 'text' && single.text).toContain('如 “1B 2B”，');
  });

  test('splits lesson and quiz when together they are too long, then adds image and link', () => {
    const long = { ...base, body: '字'.repeat(1700), image: '/x/a.png', link: { title: '原文', url: 'https://example.org/a' } };
    const out = renderLesson(long, info(1, 120));
    expect(out.map((m) => m.kind)).toEqual(['text', 'text', 'image', 'link']);
    expect(out[1]).toMatchObject({ kind: 'text', text: expect.stringMatching(/^【今日小测】/) });
    expect(out[2]).toEqual({ kind: 'image', file: '/x/a.png' });
    expect(out[3]).toEqual({ kind: 'link', title: '原文', url: 'https://example.org/a' });
  });
});
