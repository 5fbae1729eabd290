import type { Lesson, Track } from './types.ts';

export interface NextLesson {
  lesson: Lesson;
  /** Every lesson of the track had been sent in this round, so this one starts a new round. */
  newCycle: boolean;
  /** This is the last lesson of the round not yet sent: the group is told what comes next. */
  completesRound: boolean;
}

/**
 * The group's next lesson in a track: the first, in file order, that it has not had in its current
 * round. Reading the group's history of lesson ids (not a file-name cursor) keeps this right when files
 * are renamed, added or imported; a lesson file that became invalid is simply not in the track.
 */
export function nextLesson(track: Track, history: Map<string, string>, cycleSince: string): NextLesson | undefined {
  const had = (l: Lesson) => {
    const day = history.get(l.id);
    return day !== undefined && day >= cycleSince;
  };
  const unseen = track.lessons.filter((l) => !had(l));
  if (unseen.length) return { lesson: unseen[0], newCycle: false, completesRound: unseen.length === 1 };
  const first = track.lessons[0];
  return first && { lesson: first, newCycle: true, completesRound: track.lessons.length === 1 };
}
