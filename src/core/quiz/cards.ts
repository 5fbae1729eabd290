import type { QuizCard } from '../messages.ts';
import { optionLetter, type Question } from '../lessons/types.ts';
import type { QuizKind, QuizRef } from '../ports.ts';

/**
 * Card task ids route a tap back to its quiz and question. They use only letters, digits, "_" and "-",
 * which every platform's task id takes (WeCom allows digits, letters and "_-@", up to 128 bytes).
 */
export function cardTaskId(ref: QuizRef, question: number): string {
  return `q_${ref.gid}_${ref.day}_${ref.kind}_${question}`;
}

const taskIdPattern = /^q_(\d+)_(\d{4}-\d{2}-\d{2})_(lesson|review)_(\d+)$/;

/** The quiz and question a card's task id points to; undefined for anything that is not one of ours. */
export function parseCardTaskId(taskId: string): { ref: QuizRef; question: number } | undefined {
  const m = taskIdPattern.exec(taskId);
  return m ? { ref: { gid: Number(m[1]), day: m[2], kind: m[3] as QuizKind }, question: Number(m[4]) } : undefined;
}

/** WeCom's vote card suggests at most 11 characters per option; a longer option shows as its letter only. */
export const maxCardOptionChars = 11;

/** Whether a question's options fit on a card as "A. text"; if not, the card shows letters and the lesson message the texts. */
export const optionsFitCard = (q: Question): boolean => q.options.every((o, j) => `${optionLetter(j)}. ${o}`.length <= maxCardOptionChars);

/**
 * One card per question: a vote card holds one question, and one tap per question reads like the
 * typed answer it replaces ("1B 2C"). A multiple-answer question is a checkbox card.
 */
export function renderQuizCards(ref: QuizRef, quiz: Question[]): QuizCard[] {
  return quiz.map((q, i) => ({
    kind: 'card',
    taskId: cardTaskId(ref, i),
    title: quiz.length > 1 ? `小测 第 ${i + 1}/${quiz.length} 题` : '小测',
    question: q.question,
    options: q.options.map((o, j) => (optionsFitCard(q) ? `${optionLetter(j)}. ${o}` : optionLetter(j))),
    multi: q.answer.length > 1,
  }));
}

/**
 * A tap's chosen letters as a typed answer to this question ("CA" → "AC"), or undefined when they can't
 * be one (no letter, a letter the question doesn't have, several letters on a single-choice question).
 */
export function cardChoice(letters: string, q: Question): string | undefined {
  const chosen = [...new Set(letters.toUpperCase())].sort().join('');
  const valid = q.options.map((_, j) => optionLetter(j));
  if (!chosen || ![...chosen].every((l) => valid.includes(l))) return undefined;
  if (chosen.length > 1 && q.answer.length === 1) return undefined;
  return chosen;
}
