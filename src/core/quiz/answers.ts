import { optionLetter, type Question } from '../lessons/types.ts';

/** Letters chosen per question (index = question number - 1); undefined where this message says nothing. */
export type AnswerSheet = (string | undefined)[];

/** A message that is plainly an answer but can't be read against this quiz ("B D" when question 1 is multiple choice). */
export const unclear = 'unclear';

const maxLength = 100;
const emoji = /[\p{Extended_Pictographic}\p{Emoji_Modifier}\u200d\ufe0f\u20e3]/gu;
const edges = /^[\s。.!~,、;…]+|[\s。.!~,、;…]+$/g;
/** Short natural prefixes: "答案：B", "我选B", "我选的是B", "我的答案是：C", "answer B". */
const prefix = /^(?:我的?)?(?:答案|选的|选择?|答|answers?|ans)\s*(?:是|为)?\s*:?\s*/i;
const chineseNumbers = '一二三四五六七八九';
/** "第一题B", "第2题：B", "(1)B"; circled "①" is already "1" after NFKC. */
const ordinal = /第\s*([一二三四五六七八九]|\d)\s*(?:小?题)?\s*[:.、]?/g;
const parenthesised = /\((\d)\)/g;
const separators = /[\s,;、/|]+/g;
const numbered = /(\d)[.、:)\-]?([A-F]{1,6})/y;

/**
 * The answer part of a message, normalised (upper case, numbering as "1B", separators as one space),
 * or undefined when no answer can be in it. Needs no quiz, so ordinary chat is dropped before any lookup.
 */
function answerBody(raw: string): { body: string; prefixed: boolean } | undefined {
  if (raw.length > maxLength) return undefined;
  const text = raw.normalize('NFKC').replace(emoji, '').replace(edges, '');
  const unprefixed = text.replace(prefix, '');
  const body = unprefixed
    .replace(ordinal, (_, n: string) => `${chineseNumbers.includes(n) ? chineseNumbers.indexOf(n) + 1 : n} `)
    .replace(parenthesised, '$1 ')
    .toUpperCase()
    .replace(separators, ' ')
    .trim();
  if (!/^[\dA-F][\dA-F .:)\-]*$/.test(body) || !/[A-F]/.test(body)) return undefined;
  return { body, prefixed: unprefixed !== text };
}

/** Whether a message could be an answer to some quiz: the cheap test before anything is looked up. */
export const looksLikeAnswer = (raw: string): boolean => answerBody(raw) !== undefined;

/**
 * Reads a worker's reply as quiz answers. Accepts "B", "b", "Ｂ", "B！", "B👍", "答案：B", "我选B",
 * "AC" (multiple choice), "1B 2C", "1.B，2.C", "(1)B (2)C", "①B ②C", "第一题B 第二题C"; and a run of
 * letters ("B C", "BC") in question order only when the quiz has exactly that many single-choice
 * questions. A run of several letters is never one single-choice answer, so "bad" stays chat.
 * Returns `unclear` for a plain attempt that this quiz can't take, undefined for ordinary chat.
 */
export function parseAnswers(raw: string, quiz: Question[]): AnswerSheet | typeof unclear | undefined {
  const found = answerBody(raw);
  if (!found) return undefined;
  const { body, prefixed } = found;
  const singles = quiz.every((q) => q.answer.length === 1);
  const sheet: AnswerSheet = new Array(quiz.length).fill(undefined);
  if (/^\d/.test(body)) {
    const squeezed = body.replace(/ /g, '');
    numbered.lastIndex = 0;
    let consumed = 0;
    for (let m = numbered.exec(squeezed); m; m = numbered.exec(squeezed)) {
      const q = Number(m[1]) - 1;
      if (q < 0 || q >= quiz.length || sheet[q] !== undefined) return unclear;
      sheet[q] = m[2];
      consumed = numbered.lastIndex;
    }
    return consumed === squeezed.length ? normalise(sheet, quiz) : unclear;
  }
  const groups = body.split(' ');
  if (groups.some((g) => !/^[A-F]+$/.test(g))) return unclear;
  if (groups.length === 1) {
    const run = groups[0];
    if (quiz.length === 1 && (run.length === 1 || !singles)) sheet[0] = run;
    else if (run.length === quiz.length && singles) [...run].forEach((l, i) => (sheet[i] = l));
    // "bad", "abc" on a single-choice question: a word, not an answer (unless "答案：" says otherwise).
    else return run.length > 1 && !prefixed ? undefined : unclear;
    const read = normalise(sheet, quiz);
    return read === unclear && run.length > 1 && !prefixed ? undefined : read;
  }
  if (quiz.length === 1 && !singles) sheet[0] = groups.join('');
  else if (groups.length === quiz.length && singles && groups.every((g) => g.length === 1)) groups.forEach((l, i) => (sheet[i] = l));
  else return unclear;
  return normalise(sheet, quiz);
}

/** Sorts letters; a letter past a question's last option, a repeated letter or several on a single-choice question can't be read. */
function normalise(sheet: AnswerSheet, quiz: Question[]): AnswerSheet | typeof unclear {
  const out: AnswerSheet = [];
  for (let i = 0; i < quiz.length; i++) {
    const letters = sheet[i];
    if (letters === undefined) {
      out.push(undefined);
      continue;
    }
    const sorted = [...letters].sort();
    if (new Set(sorted).size !== sorted.length || (quiz[i].answer.length === 1 && sorted.length > 1)) return unclear;
    if (sorted.some((l) => l.charCodeAt(0) - 65 >= quiz[i].options.length)) return unclear;
    out.push(sorted.join(''));
  }
  return out;
}

/** An example reply for this quiz, with a multiple-choice answer where the quiz has one: "B", "AC", "1B 2AC". */
export function answerExample(quiz: Question[]): string {
  const one = (q: Question) => (q.answer.length > 1 ? `A${optionLetter(Math.min(2, q.options.length - 1))}` : 'B');
  return quiz.length === 1 ? one(quiz[0]) : quiz.map((q, i) => `${i + 1}${one(q)}`).join(' ');
}
