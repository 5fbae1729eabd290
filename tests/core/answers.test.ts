import { describe, expect, test } from 'vitest';
import type { Question } from '../../src/core/lessons/types.ts';
import { answerExample, looksLikeAnswer, parseAnswers, unclear } from '../../src/core/quiz/answers.ts';

const q = (options: number, answer = 'A'): Question => ({ question: '?', options: Array.from({ length: options }, (_, i) => `o${i}`), answer, explain: '' });
const one = [q(4)];
const two = [q(3), q(3)];
const multi = [q(4, 'AC')];
const mixed = [q(3), q(4, 'BD')];
const multiFirst = [q(4, 'BD'), q(3)];
const three = [q(4), q(4), q(4)];

describe('parseAnswers', () => {
  test.each([
    ['B', one, ['B']],
    ['b', one, ['B']],
    ['Ｂ', one, ['B']],
    [' 答案：B ', one, ['B']],
    ['答案:b', one, ['B']],
    ['答B', one, ['B']],
    ['我的答案是 C', one, ['C']],
    ['AC', multi, ['AC']],
    ['CA', multi, ['AC']],
    ['1B 2C', two, ['B', 'C']],
    ['1.B，2.C', two, ['B', 'C']],
    ['１．Ｂ　２．Ｃ', two, ['B', 'C']],
    ['1、a;2、c', two, ['A', 'C']],
    ['2C', two, [undefined, 'C']],
    ['BC', two, ['B', 'C']],
    ['B C', two, ['B', 'C']],
    ['1A 2BD', mixed, ['A', 'BD']],
    // As people type them: trailing punctuation and emoji, short prefixes, circled and ordinal numbering.
    ['B！', one, ['B']],
    ['B。', one, ['B']],
    ['b.', one, ['B']],
    ['B👍', one, ['B']],
    ['B 👍🏻', one, ['B']],
    ['B~', one, ['B']],
    ['我选B', one, ['B']],
    ['选B', one, ['B']],
    ['我选的是 b', one, ['B']],
    ['答案是：B', one, ['B']],
    ['我的答案是：C', one, ['C']],
    ['answer: c', one, ['C']],
    ['选AC！', multi, ['AC']],
    ['A C', multi, ['AC']],
    ['1.B 2.C。', two, ['B', 'C']],
    ['(1)B (2)C', two, ['B', 'C']],
    ['（1）B（2）C', two, ['B', 'C']],
    ['①B ②C', two, ['B', 'C']],
    ['⑴B ⑵C', two, ['B', 'C']],
    ['第一题B 第二题C', two, ['B', 'C']],
    ['第1题：B，第2题：C', two, ['B', 'C']],
    ['答案：1B 2C', two, ['B', 'C']],
    ['1B 2AC👌', [q(3), q(4, 'AC')], ['B', 'AC']],
    // A run of letters in question order only when the quiz has exactly that many single-choice questions.
    ['bad', three, ['B', 'A', 'D']],
    ['B C D', three, ['B', 'C', 'D']],
  ])('%j is read as an answer', (text, quiz, expected) => {
    expect(parseAnswers(text, quiz)).toEqual(expected);
  });

  test.each([
    ['B超做了吗', one],
    ['OK', one],
    ['好的', one],
    ['收到', one],
    ['AA', multi],
    ['1B 2C 明天见', two],
    ['BD', mixed], // ambiguous: a multiple-choice question needs numbers
    // On a single-choice question a run of several letters is a word, never an answer.
    ['cab', one],
    ['bad', one],
    ['abc', one],
    ['ABC', one],
    ['BC', three],
    ['B超做了吗？', one],
    ['A4纸用完了', one],
    ['B?', one],
    ['2B铅笔', two],
    ['选举结果出来了', one],
    ['答应了', one],
    ['', one],
    ['😀😀😀', one],
    ['A'.repeat(10_000), one],
    ['12', two],
  ])('%j is ordinary chat', (text, quiz) => {
    expect(parseAnswers(text, quiz)).toBeUndefined();
  });

  test.each([
    ['B D', multiFirst], // question 1 is multiple choice: "BD" for it, or B then D?
    ['B', two], // which question?
    ['E', one], // only four options
    ['1B 1C', two],
    ['3A', two],
    ['1AB 2C', two], // several letters on a single-choice question
    ['答案：AB', one],
    ['B C', three],
  ])('%j is plainly an attempt that this quiz cannot take', (text, quiz) => {
    expect(looksLikeAnswer(text)).toBe(true);
    expect(parseAnswers(text, quiz)).toBe(unclear);
  });

  test('the example shows a multiple-choice answer only when the quiz has one', () => {
    expect(answerExample(one)).toBe('B');
    expect(answerExample(multi)).toBe('AC');
    expect(answerExample(two)).toBe('1B 2B');
    expect(answerExample(mixed)).toBe('1B 2AC');
    expect(answerExample([q(2, 'AB')])).toBe('AB');
  });
});
