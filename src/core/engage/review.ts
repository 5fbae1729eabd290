import { createHash } from 'node:crypto';
import type { BotDeps } from '../bot/deps.ts';
import { questionBlock } from '../lessons/render.ts';
import type { LessonSnapshot } from '../lessons/snapshot.ts';
import type { Question } from '../lessons/types.ts';
import type { Group, QuizRef } from '../ports.ts';
import { answerExample } from '../quiz/answers.ts';
import { isLessonDay, type CalendarOverrides } from '../schedule/calendar.ts';
import { isoWeek } from '../stats.ts';
import { addDays, isoWeekday, minuteMs } from '../time.ts';
import { featureOn } from './features.ts';
import type { EngagementHook } from './hooks.ts';
import { postToGroup } from './send.ts';

/** A review asks this many of the group's most-missed questions, from this many ISO weeks back. */
export const reviewQuestions = 3;
const reviewWeeks = 4;

/** Whether `day` is the group's last lesson day of its ISO week (holidays and 调休 included). */
export function lastLessonDayOfWeek(day: string, days: number[], calendar: CalendarOverrides): boolean {
  if (!isLessonDay(day, days, calendar)) return false;
  for (let d = addDays(day, 1); isoWeekday(d) > isoWeekday(day); d = addDays(d, 1)) if (isLessonDay(d, days, calendar)) return false;
  return true;
}

/** The ISO weeks a review on `day` reads: its own and the three before. */
export const reviewWeeksOf = (day: string): string[] => Array.from({ length: reviewWeeks }, (_, i) => isoWeek(addDays(day, -7 * i)).week);

/**
 * 周复习: after the summary of the group's last lesson of the week, a quiz of its own with the group's
 * most-missed questions of the last four weeks, taken from the snapshots they were sent in.
 */
export function reviewHook(deps: BotDeps): EngagementHook {
  return {
    name: 'review',
    afterClose: async (g, push) => {
      if (push.kind !== 'lesson' || !featureOn('review', g, deps.settings.engagement)) return;
      if (!lastLessonDayOfWeek(push.day, g.days, deps.settings.calendar)) return;
      const ref: QuizRef = { gid: g.gid, day: push.day, kind: 'review' };
      // A close repeated after a crash finds the review already there.
      if (await deps.store.getPush(ref.gid, ref.day, ref.kind)) return;
      const snapshot = await reviewSnapshot(deps, g, push.day);
      if (!snapshot) {
        deps.log.info({ gid: g.gid, day: push.day }, 'fewer than 3 missed questions in four weeks; no review');
        return;
      }
      const answerUrl = await deps.answerLink?.(ref);
      const message = renderReview(snapshot.quiz, { ...deps, windowMinutes: g.windowMinutes, answerUrl });
      // Within the day's cap: a review the cap holds back is not opened either.
      if (!(await postToGroup(deps, g, `review:${g.gid}:${push.day}`, message, 'other'))) return;
      const now = deps.clock.now();
      await deps.store.openReview(ref, snapshot, now, now + g.windowMinutes * minuteMs);
    },
  };
}

/** The review's own snapshot (so answers, the summary and the figures read it as any quiz); none under 3 questions. */
async function reviewSnapshot(deps: BotDeps, g: Group, day: string): Promise<LessonSnapshot | undefined> {
  const picked: { q: Question; source: LessonSnapshot }[] = [];
  for (const m of await deps.store.missedQuestions(g.gid, reviewWeeksOf(day))) {
    const source = await deps.store.snapshot(m.hash);
    const q = source?.quiz[m.question];
    // The same question sent in two rounds has the same text: ask it once.
    if (!source || !q || picked.some((p) => p.q.question === q.question)) continue;
    picked.push({ q, source });
    if (picked.length === reviewQuestions) break;
  }
  if (picked.length < reviewQuestions) return undefined;
  const content = {
    id: `review-${isoWeek(day).week}`,
    title: '本周错题复习',
    kind: picked[0].source.kind,
    trackId: picked[0].source.trackId,
    trackTitle: picked[0].source.trackTitle,
    quiz: picked.map((p) => p.q),
  };
  return { hash: createHash('sha256').update(JSON.stringify(content)).digest('hex').slice(0, 24), ...content };
}

/** The review as one text: typed answers in the group (or the answer page where the channel hears nothing). */
export function renderReview(quiz: Question[], o: Pick<BotDeps, 'channel' | 'settings'> & { windowMinutes: number; answerUrl?: string }): string {
  const example = answerExample(quiz);
  const bot = o.settings.botName;
  const how = o.answerUrl
    ? `${o.windowMinutes} 分钟内点开链接答题：${o.answerUrl}`
    : o.channel.caps.hears === 'mentions'
      ? `${o.windowMinutes} 分钟内在群里 @${bot} 并写上答案，如 “@${bot} ${example}”。`
      : `${o.windowMinutes} 分钟内在群里直接回复答案，如 “${example}”。`;
  const head = `【周复习】近四周本群错得最多的 ${quiz.length} 道题，再做一遍（计入积分，不计入每日参与率）。${how}`;
  return [head, ...quiz.map((q, i) => questionBlock(q, i, quiz.length))].join('\n\n');
}
