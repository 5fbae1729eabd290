import type { LessonSnapshot } from '../lessons/snapshot.ts';
import type { OrgTree } from '../org.ts';
import type { QuizRef, Store } from '../ports.ts';
import type { AnswerSheet } from './answers.ts';

/**
 * The quizzes this process recorded answers for since their last "已有 N 人作答", by "gid:day:kind": the
 * acknowledgement reads these, not every open quiz (core/bot/daily.ts).
 */
export type AnsweredQuizzes = Map<string, QuizRef>;

/** "gid:day:kind", a quiz's key in AnsweredQuizzes and in the ids of its messages. */
export const quizKey = (r: QuizRef): string => `${r.gid}:${r.day}:${r.kind}`;

/** What became of a sheet: how many questions it answered for the first time, and whether after the close. */
export interface SheetOutcome {
  recorded: number;
  late: boolean;
  /** A routed sheet's quiz is no longer the group's latest (see AnswerInput.routed): nothing was written. */
  moved?: boolean;
}

/**
 * Records one worker's answer sheet on one quiz: the single path for a typed answer, a card tap and the
 * answer page. Only the first answer to each question counts, and one after the close is late (补学).
 */
export async function recordSheet(
  d: { store: Store; org: OrgTree; answered: AnsweredQuizzes },
  ref: QuizRef,
  lesson: LessonSnapshot,
  worker: { wid: number; name: string },
  sheet: AnswerSheet,
  at: number,
  routed = false,
): Promise<SheetOutcome> {
  const result: SheetOutcome = { recorded: 0, late: false };
  // Sent together: Redis runs them in this order on the one connection, as if each waited for the one before.
  const outcomes = await Promise.all(
    [...sheet.entries()].map(([question, choice]) =>
      choice === undefined
        ? undefined
        : d.store.recordAnswer({
            ...ref, wid: worker.wid, name: worker.name, lessonId: lesson.id, lessonHash: lesson.hash, question, choice,
            correct: choice === lesson.quiz[question].answer, questionCount: lesson.quiz.length, at, routed,
          }),
    ),
  );
  for (const outcome of outcomes) {
    if (outcome?.kind === 'moved') return { ...result, moved: true };
    if (outcome?.kind !== 'recorded') continue;
    result.recorded++;
    result.late ||= !outcome.onTime;
  }
  if (result.recorded && !result.late) d.answered.set(quizKey(ref), ref);
  // A closed push is already in the org rollups; a late answer changes its 补学 figure there.
  // Read now: the binding may have changed since the caller looked.
  const team = result.late ? (await d.store.getGroup(ref.gid))?.team : undefined;
  if (team !== undefined) await d.store.syncRollup(ref.gid, ref.day, d.org.teamPaths(team));
  return result;
}
