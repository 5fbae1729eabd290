import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { Question } from '../../src/core/lessons/types.ts';
import { parseAnswers, unclear } from '../../src/core/quiz/answers.ts';
import { timed } from '../helpers/timed.ts';

const runs = 100_000;
const letters = 'ABCDEF';

/** A quiz of 1–3 questions, 2–6 options each, single or multiple choice. */
const question: fc.Arbitrary<Question> = fc
  .integer({ min: 2, max: 6 })
  .chain((n) =>
    fc.subarray([...letters.slice(0, n)], { minLength: 1 }).map((answer) => ({ question: '?', options: Array.from({ length: n }, (_, i) => `o${i}`), answer: answer.join(''), explain: '' })),
  );
const quiz = fc.array(question, { minLength: 1, maxLength: 3 });

/** Pieces answers and chat are made of, so that generated text often comes close to an answer. */
const piece = fc.constantFrom(
  'A', 'B', 'C', 'D', 'E', 'F', 'a', 'b', 'c', 'd', 'G', 'O', 'K', 'X', '1', '2', '3', '4', '0', '9', ' ', '　', '.', '、', ',', '，', ';', ':', '：',
  '(', ')', '（', '）', '①', '②', '⑴', '第', '一', '二', '题', '答案', '答', '我选', '选', '我的答案是', '是', '！', '。', '~', '?', '👍', '👍🏻', '😀', '\u200d',
  '超', '纸', '好的', '收到', '吃饭了吗', '@', '/', '-', '\n',
);
const answerish = fc.array(piece, { maxLength: 30 }).map((p) => p.join(''));
const anything = fc.oneof(answerish, fc.string({ maxLength: 120 }), fc.string({ unit: 'binary', maxLength: 120 }), fc.string({ unit: 'grapheme', maxLength: 60 }));

const chatWords = ['超做了吗', '纸用完了', '站看视频', '角钱', '型血', '区停车', '柱', '超', '级', '座谈会', '照', '队的', '面', '计划', '点名', '端', '罩杯'];

describe('parseAnswers on 100,000 generated inputs', () => {
  test('never throws, answers within 50 ms, and returns an answer sheet, "unclear" or nothing', () => {
    const p = timed(parseAnswers);
    fc.assert(
      fc.property(anything, quiz, (text, q) => {
        const out = p.call(text, q);
        expect(out === undefined || out === unclear || (Array.isArray(out) && out.length === q.length)).toBe(true);
      }),
      { numRuns: runs },
    );
    expect(p.max).toBeLessThan(50);
  });

  test('chat stays chat: letters inside words, and a run of several letters on a single-choice question', () => {
    const p = timed(parseAnswers);
    const letter = fc.constantFrom(...'ABCDEFabcdef');
    const wordWithLetters = fc.tuple(fc.constantFrom('', '这个', '今天', '那', '去'), fc.array(letter, { minLength: 1, maxLength: 3 }), fc.constantFrom(...chatWords), fc.constantFrom('', '？', '。', '吧', '👍'));
    const single = question.map((q) => [{ ...q, answer: q.answer[0] }]);
    fc.assert(
      fc.property(fc.oneof(wordWithLetters, fc.array(letter, { minLength: 2, maxLength: 6 })), fc.oneof(quiz, single), (input, q) => {
        if (Array.isArray(input[1])) {
          const [before, run, after, end] = input as [string, string[], string, string];
          expect(p.call(`${before}${run.join('')}${after}${end}`, q)).toBeUndefined();
        } else {
          // A bare run of letters: on a one-question single-choice quiz it is a word ("bad", "cab").
          const run = (input as string[]).join('');
          if (q.length === 1 && q[0].answer.length === 1) expect(p.call(run, q)).toBeUndefined();
          // And it is never recorded unless the quiz has exactly that many single-choice questions.
          const read = p.call(run, q);
          if (Array.isArray(read) && q.length > 1) expect(run.length === q.length && q.every((x) => x.answer.length === 1)).toBe(true);
        }
      }),
      { numRuns: runs },
    );
    expect(p.max).toBeLessThan(50);
  });

  test('answers written in any of the accepted styles are read as written', () => {
    const p = timed(parseAnswers);
    const numbering = fc.constantFrom((i: number) => `${i + 1}`, (i: number) => `${i + 1}.`, (i: number) => `${i + 1}、`, (i: number) => `(${i + 1})`, (i: number) => `（${i + 1}）`,
      (i: number) => '①②③'[i], (i: number) => `第${'一二三'[i]}题`, (i: number) => `第${i + 1}题：`);
    const sheet = quiz.chain((q) => fc.tuple(fc.constant(q), fc.tuple(...q.map((x) => fc.subarray([...letters.slice(0, x.options.length)], { minLength: 1, maxLength: x.answer.length > 1 ? x.options.length : 1 })))));
    fc.assert(
      fc.property(
        sheet, numbering, fc.constantFrom(' ', '，', ', ', '；', '　', ''), fc.constantFrom('', '答案：', '我选', '我的答案是：', '选'), fc.constantFrom('', '。', '！', '👍', '~', ' 😀'), fc.boolean(),
        ([q, chosen], number, sep, prefix, end, lower) => {
          const body = chosen.map((ls, i) => `${number(i)}${ls.join('')}`).join(sep);
          const text = `${prefix}${lower ? body.toLowerCase() : body}${end}`;
          expect(p.call(text, q)).toEqual(chosen.map((ls) => [...ls].sort().join('')));
        },
      ),
      { numRuns: runs },
    );
    expect(p.max).toBeLessThan(50);
  });
});
