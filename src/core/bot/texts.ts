import type { Lesson } from '../lessons/types.ts';
import type { Push } from '../ports.ts';
import { isoWeekday } from '../time.ts';

const weekdayNames = ['一', '二', '三', '四', '五', '六', '日'];

/** [1,2,3,4,5] → "周一至周五"; [1,3,5] → "周一、周三、周五". */
export function describeDays(days: number[]): string {
  const sorted = [...days].sort((a, b) => a - b);
  const contiguous = sorted.every((d, i) => i === 0 || d === sorted[i - 1] + 1);
  if (contiguous && sorted.length > 2) return `周${weekdayNames[sorted[0] - 1]}至周${weekdayNames[sorted.at(-1)! - 1]}`;
  return sorted.map((d) => `周${weekdayNames[d - 1]}`).join('、');
}

/** "2026-12-07" → "12月7日（周一）". */
export function describeDay(day: string): string {
  const [, m, d] = day.split('-').map(Number);
  return `${m}月${d}日（周${weekdayNames[isoWeekday(day) - 1]}）`;
}

export const percent = (part: number, whole: number): string => (whole ? `${Math.round((part / whole) * 100)}%` : '—');

export interface SummaryFigures {
  push: Push;
  firstCorrect: string[];
  streaks: { name: string; streak: number }[];
}

/** The one message posted when a quiz closes: answers, explanations, participation, recognition. */
export function renderSummary(lesson: Lesson, f: SummaryFigures): string {
  const { push } = f;
  const expected = push.expected ?? 0;
  const lines = [`【小测揭晓】《${lesson.title}》`];
  lesson.quiz.forEach((q, i) => {
    const letters = [...q.answer];
    const shown = letters.map((l) => `${l}. ${q.options[l.charCodeAt(0) - 65]}`).join('；');
    lines.push('', `${lesson.quiz.length > 1 ? `${i + 1}. ` : ''}正确答案：${shown}${letters.length > 1 ? '（多选）' : ''}`, `解析：${q.explain.trim()}`);
  });
  lines.push('', `参与：${push.answered}/${expected} 人（${percent(push.answered, expected)}），全部答对 ${push.correct} 人。`);
  if (f.firstCorrect.length) lines.push(`👏 最先全对：${f.firstCorrect.join('、')}`);
  const long = f.streaks.filter((s) => s.streak >= 3);
  if (long.length) lines.push(`🔥 连续学习：${long.map((s) => `${s.name} ${s.streak} 次`).join('、')}`);
  lines.push('没赶上的同事，下一课推送前回复答案仍记为补学。');
  return lines.join('\n');
}
