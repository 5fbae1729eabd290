import { createHash } from 'node:crypto';
import type { Lesson, LessonKind, Question, Track } from './types.ts';

/**
 * A lesson as it was sent. Answers, closing, summaries and the figures read this, never the live
 * file, so an officer who breaks, renames or edits a lesson mid-quiz changes nothing already sent.
 */
export interface LessonSnapshot {
  /** Content hash: one snapshot per distinct content, shared by every push that sent it. */
  hash: string;
  id: string;
  title: string;
  kind: LessonKind;
  trackId: string;
  trackTitle: string;
  quiz: Question[];
}

export function snapshotOf(lesson: Lesson, track: Track): LessonSnapshot {
  const content = {
    id: lesson.id,
    title: lesson.title,
    kind: lesson.kind,
    trackId: track.id,
    trackTitle: track.title,
    quiz: lesson.quiz.map(({ question, options, answer, explain }) => ({ question, options, answer, explain })),
  };
  const hash = createHash('sha256').update(JSON.stringify(content)).digest('hex').slice(0, 24);
  return { hash, ...content };
}
