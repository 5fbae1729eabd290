import type { BotDeps } from '../bot/deps.ts';
import type { ChatContext } from '../bot/context.ts';
import { rightAnswer } from '../bot/texts.ts';
import { questionBlock } from '../lessons/render.ts';
import { optionLetter, type Question } from '../lessons/types.ts';
import { parseAnswers, unclear } from '../quiz/answers.ts';
import { epochDay, nextInstantOf, wallClock } from '../time.ts';
import { featureOn } from './features.ts';
import type { EngagementHook } from './hooks.ts';
import { sendPrivately } from './send.ts';

/** A wrong answer is asked again this many days after it (the second only if the first was not answered right). */
export const repeatAfterDays = [3, 10] as const;
/** Repetitions go out from this time of day (the midday break), never at night. */
export const repeatFrom = '12:00';
/** Workers taken from the due index per pass; the rest wait for the next minute. */
const perPass = 200;

/**
 * Spaced repetition: a question a worker got wrong is asked again privately 3 and 10 days later, at most
 * one a day per worker. The due index holds only workers with something due, so a pass reads what is due.
 */
export function repetitionHook(deps: BotDeps): EngagementHook {
  return {
    name: 'repetition',
    tick: async (now) => {
      const { day, hhmm } = wallClock(now, deps.settings.timezone);
      if (hhmm < repeatFrom) return;
      const today = epochDay(day);
      for (const wid of await deps.store.repetitionsDue(today, perPass)) {
        const r = await deps.store.takeRepetition(wid, today);
        if (!r) continue;
        const [g, lesson] = await Promise.all([deps.store.getGroup(r.gid), deps.store.snapshot(r.hash)]);
        const q = lesson?.quiz[r.question];
        const sent = g && q && featureOn('repetition', g, deps.settings.engagement) ? await sendPrivately(deps, wid, `repeat:${wid}:${day}`, renderRepetition(lesson!.title, q)) : 'off';
        // Not asked after all: no letter the worker sends is taken for it, and its schedule goes on.
        if (sent !== 'sent') await deps.store.settleRepetition(wid, r, false);
      }
    },
    // Nothing falls due later in a day than its start: an answer today is asked again days later.
    nextWork: async (now) => {
      const { day, hhmm } = wallClock(now, deps.settings.timezone);
      if (hhmm >= repeatFrom && (await deps.store.repetitionsDue(epochDay(day), 1)).length) return now;
      return nextInstantOf(repeatFrom, now, deps.settings.timezone);
    },
  };
}

function renderRepetition(title: string, q: Question): string {
  return [`【错题再练】前几天《${title}》里这道题答错了，再试一次？直接回复选项字母，如 “${q.answer.length > 1 ? 'AC' : 'B'}”。`, questionBlock(q, 0, 1)].join('\n\n');
}

/**
 * A letter sent in a private chat answers the repetition the worker was last asked: right clears the
 * question, wrong keeps its schedule. False when nothing was asked (the message goes on down the pipeline).
 */
export async function answerRepetition(ctx: ChatContext): Promise<boolean> {
  const { store } = ctx.deps;
  const wid = await ctx.wid();
  const r = await store.askedRepetition(wid);
  const q = r && (await store.snapshot(r.hash))?.quiz[r.question];
  if (!r || !q) return false;
  const sheet = parseAnswers(ctx.text, [q]);
  if (!sheet) return false;
  if (sheet === unclear || !sheet[0]) {
    ctx.reply(`请回复选项字母，如 “${optionLetter(Math.min(1, q.options.length - 1))}”。`);
    return true;
  }
  const correct = sheet[0] === q.answer;
  if (!(await store.settleRepetition(wid, r, correct))) return false;
  ctx.reply(
    correct
      ? `答对了 👍 这道题已从错题里移出。\n解析：${q.explain.trim()}`
      : `还不对，正确答案：${rightAnswer(q)}\n解析：${q.explain.trim()}${epochDay(wallClock(ctx.msg.at, ctx.deps.settings.timezone).day) < epochDay(r.missed) + repeatAfterDays[1] ? '\n过几天会再问一次。' : ''}`,
  );
  return true;
}
