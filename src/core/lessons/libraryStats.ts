import { lessonKinds, optionLetter, type Lesson, type LessonKind, type Library } from './types.ts';

/** The "理论+N" forms' target shares of the library (the union movement's mix). */
export const kindTargets: Record<LessonKind, number> = {
  expert: 0.2,
  'model-worker': 0.18,
  'union-cadre': 0.17,
  'worker-voice': 0.2,
  online: 0.15,
  culture: 0.1,
};

/** Rule 5: a lesson read aloud in the ten minutes has a body of this many characters. */
export const bodyChars = { min: 350, max: 500 };

/** Two questions whose character pairs overlap this much say the same thing in other words. */
const nearDuplicate = 0.6;

export interface LibraryStats {
  lessons: number;
  tracks: { id: string; title: string; lessons: number; dated: number; letters: LetterBalance }[];
  kinds: { kind: LessonKind; lessons: number; share: number; target: number }[];
  /** Pairs of questions that are the same or nearly the same, as "lesson-id#n". */
  duplicateQuestions: { a: string; b: string; similarity: number }[];
  onlineWithoutLink: string[];
  withoutSource: string[];
  /** Lessons whose body is outside bodyChars. */
  bodyOutOfRange: { id: string; chars: number }[];
}

/**
 * How the keyed letters of single-answer questions fall, against chance: a 3-option question keys each
 * of A–C a third of the time, a 4-option one each of A–D a quarter. `worst` is the largest gap, as a
 * share of the questions.
 */
export interface LetterBalance {
  questions: number;
  keyed: Record<string, number>;
  expected: Record<string, number>;
  worst: number;
}

export function libraryStats(library: Library): LibraryStats {
  const all = library.tracks.flatMap((t) => t.lessons);
  return {
    lessons: all.length,
    tracks: library.tracks.map((t) => ({ id: t.id, title: t.title, lessons: t.lessons.length, dated: t.lessons.filter((l) => l.dates).length, letters: letterBalance(t.lessons) })),
    kinds: lessonKinds.map((kind) => {
      const n = all.filter((l) => l.kind === kind).length;
      return { kind, lessons: n, share: all.length ? n / all.length : 0, target: kindTargets[kind] };
    }),
    duplicateQuestions: duplicateQuestions(all),
    onlineWithoutLink: all.filter((l) => l.kind === 'online' && !l.link).map((l) => l.id),
    withoutSource: all.filter((l) => !l.source).map((l) => l.id),
    bodyOutOfRange: all.map((l) => ({ id: l.id, chars: l.body.length })).filter((b) => b.chars < bodyChars.min || b.chars > bodyChars.max),
  };
}

function letterBalance(lessons: Lesson[]): LetterBalance {
  const keyed: Record<string, number> = {};
  const expected: Record<string, number> = {};
  let questions = 0;
  for (const q of lessons.flatMap((l) => l.quiz)) {
    if (q.answer.length !== 1) continue;
    questions++;
    keyed[q.answer] = (keyed[q.answer] ?? 0) + 1;
    for (let i = 0; i < q.options.length; i++) expected[optionLetter(i)] = (expected[optionLetter(i)] ?? 0) + 1 / q.options.length;
  }
  const letters = Object.keys(expected).sort();
  const worst = Math.max(0, ...letters.map((l) => Math.abs((keyed[l] ?? 0) - expected[l]) / (questions || 1)));
  return { questions, keyed, expected, worst };
}

/** Questions compared by their character pairs, punctuation and spaces left out. */
function duplicateQuestions(lessons: Lesson[]): LibraryStats['duplicateQuestions'] {
  const questions = lessons.flatMap((l) => l.quiz.map((q, i) => ({ ref: `${l.id}#${i + 1}`, pairs: charPairs(q.question) })));
  const found: LibraryStats['duplicateQuestions'] = [];
  for (let i = 0; i < questions.length; i++) {
    for (let j = i + 1; j < questions.length; j++) {
      const similarity = jaccard(questions[i].pairs, questions[j].pairs);
      if (similarity >= nearDuplicate) found.push({ a: questions[i].ref, b: questions[j].ref, similarity });
    }
  }
  return found;
}

function charPairs(text: string): Set<string> {
  const chars = [...text.replace(/[\s\p{P}\p{S}]/gu, '')];
  return new Set(chars.slice(1).map((c, i) => chars[i] + c));
}

function jaccard(a: Set<string>, b: Set<string>): number {
  let both = 0;
  for (const x of a) if (b.has(x)) both++;
  const either = a.size + b.size - both;
  return either ? both / either : 1;
}
