import type { Question } from '../lessons/types.ts';

/** Letters chosen per question (index = question number - 1); undefined where this message says nothing. */
export type AnswerSheet = (string | undefined)[];

const prefix = /^(?:我的)?(?:答案|答|answers?|ans)\s*[:：是为]?\s*/i;
const numbered = /(\d)\s*[.、:：)）-]?\s*([A-F]{1,6})/gy;
const separators = /[\s,，;；、/|]+/g;

/**
 * Reads a worker's reply as quiz answers, or returns undefined when it is ordinary chat.
 * Accepts "B", "b", "Ｂ", "答案：B", "AC" (multiple choice), "1B 2C", "1.B，2.C", and for a quiz of
 * single-choice questions also "B C" / "BC" in question order. The whole message must be an answer,
 * so "B超做了吗" or "OK" are never taken as one.
 */
export function parseAnswers(raw: string, quiz: Question[]): AnswerSheet | undefined {
  if (raw.length > 100) return undefined;
  const text = raw.normalize('NFKC').trim().replace(prefix, '').toUpperCase().trim();
  if (!text) return undefined;
  const sheet: AnswerSheet = new Array(quiz.length).fill(undefined);
  const compact = text.replace(separators, ' ').trim();
  if (/^\d/.test(compact)) {
    const body = compact.replace(/ /g, '');
    numbered.lastIndex = 0;
    let consumed = 0;
    for (let m = numbered.exec(body); m; m = numbered.exec(body)) {
      const q = Number(m[1]) - 1;
      if (q < 0 || q >= quiz.length || sheet[q] !== undefined) return undefined;
      sheet[q] = m[2];
      consumed = numbered.lastIndex;
    }
    if (consumed !== body.length) return undefined;
  } else if (/^[A-F]{1,6}$/.test(compact)) {
    if (quiz.length === 1) sheet[0] = compact;
    else if (compact.length <= quiz.length && quiz.every((q) => q.answer.length === 1)) [...compact].forEach((l, i) => (sheet[i] = l));
    else return undefined;
  } else if (/^[A-F]( [A-F])+$/.test(compact) && compact.split(' ').length <= quiz.length) {
    compact.split(' ').forEach((l, i) => (sheet[i] = l));
  } else {
    return undefined;
  }
  return normalise(sheet, quiz);
}

/** Sorts letters, and rejects letters past a question's last option or repeated letters. */
function normalise(sheet: AnswerSheet, quiz: Question[]): AnswerSheet | undefined {
  const out: AnswerSheet = [];
  for (let i = 0; i < quiz.length; i++) {
    const letters = sheet[i];
    if (letters === undefined) {
      out.push(undefined);
      continue;
    }
    const sorted = [...letters].sort();
    if (new Set(sorted).size !== sorted.length) return undefined;
    if (sorted.some((l) => l.charCodeAt(0) - 65 >= quiz[i].options.length)) return undefined;
    out.push(sorted.join(''));
  }
  return out;
}
