import { describe, expect, test } from 'vitest';
import type { Question } from '../../src/core/lessons/types.ts';
import { parseAnswers } from '../../src/core/quiz/answers.ts';

const q = (options: number, answer = 'A'): Question => ({ question: '?', options: Array.from({ length: options }, (_, i) => `o${i}`), answer, explain: '' });
const one = [q(4)];
const two = [q(3), q(3)];
const multi = [q(4, 'AC')];
const mixed = [q(3), q(4, 'BD')];

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
    ['B', two, ['B', undefined]],
    ['1A 2BD', mixed, ['A', 'BD']],
  ])('%j is read as an answer', (text, quiz, expected) => {
    expect(parseAnswers(text, quiz)).toEqual(expected);
  });

  test.each([
    ['B超做了吗', one],
    ['OK', one],
    ['好的', one],
    ['收到', one],
    ['E', one], // only four options
    ['AA', multi],
    ['1B 1C', two],
    ['3A', two],
    ['1B 2C 明天见', two],
    ['BD', mixed], // ambiguous: a multiple-choice question needs numbers
    ['', one],
    ['😀😀😀', one],
    ['A'.repeat(10_000), one],
    ['12', two],
  ])('%j is ordinary chat', (text, quiz) => {
    expect(parseAnswers(text, quiz)).toBeUndefined();
  });
});
