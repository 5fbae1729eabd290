import type { LessonSnapshot } from '../lessons/snapshot.ts';
import type { Library } from '../lessons/types.ts';
import type { Group, Push } from '../ports.ts';
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
export function renderSummary(lesson: Pick<LessonSnapshot, 'title' | 'quiz'>, f: SummaryFigures): string {
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

/** The short note posted during the window; answers stay hidden until the close. */
export const renderAck = (answered: number): string => `已有 ${answered} 人作答，还没答的工友抓紧时间，截止后公布答案。`;

/** Told once, when a group has had every lesson of its track: what comes next. */
export function renderRoundDone(lesson: Pick<LessonSnapshot, 'trackId' | 'trackTitle'>, library: Library, g: Group): string {
  const count = library.track(lesson.trackId)?.lessons.length;
  const others = library.tracks.filter((t) => t.id !== lesson.trackId).map((t) => `${t.title}（${t.id}）`);
  return [
    `《${lesson.trackTitle}》${count ? `共 ${count} 课` : ''}已学完一轮，下一课起从第 1 课开始新一轮复习。`,
    others.length ? `想换课程，班长可发送“报名 课程 ${g.time}”，可选：${others.join('、')}。` : '',
  ].filter(Boolean).join('\n');
}

/** Told once when the bot comes back too late to send today's lesson: how the leader sends it anyway. */
export const renderMissed = (day: string, time: string): string =>
  `【班前十分钟】${describeDay(day)} ${time} 的课因系统停机没能按时推送。班长或群主发送“立即推送”即可补发今天的课。`;
