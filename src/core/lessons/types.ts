export const lessonKinds = ['expert', 'model-worker', 'union-cadre', 'worker-voice', 'culture', 'online'] as const;
export type LessonKind = (typeof lessonKinds)[number];

/** The "理论+N" forms the union movement uses, as shown to workers. */
export const kindLabels: Record<LessonKind, string> = {
  expert: '理论+专家学者',
  'model-worker': '理论+劳模工匠',
  'union-cadre': '理论+工会干部',
  'worker-voice': '理论+职工代表',
  culture: '理论+文化艺术',
  online: '理论+网络阵地',
};

export interface Question {
  question: string;
  options: string[];
  /** Correct option letters in ascending order, e.g. "B" or "AC". */
  answer: string;
  explain: string;
}

export interface Lesson {
  id: string;
  title: string;
  kind: LessonKind;
  /** Days of the year it is for ('MM-DD' or 'MM-DD..MM-DD'); a dated lesson is not in the rotation. */
  dates?: string[];
  body: string;
  /** Absolute path of a local image, or an https URL. */
  image?: string;
  link?: { title: string; url: string };
  source?: string;
  quiz: Question[];
  trackId: string;
  file: string;
}

export interface Track {
  id: string;
  title: string;
  description?: string;
  dir: string;
  lessons: Lesson[];
}

/**
 * What a group follows: a plan from lessons/plans/, or a single track. The lesson of a day comes from the
 * weekday's track, or else the track furthest behind its weight (a track's weight is its size by default).
 */
export interface Course {
  id: string;
  title: string;
  tracks: Track[];
  /** ISO weekday -> track, for plans that name a track per weekday. */
  weekdays?: Map<number, Track>;
  /** Track id -> weight; absent: each track weighs its number of rotation lessons. */
  weights?: Map<string, number>;
  /** The plan file, or undefined for a single track. */
  file?: string;
}

export interface Library {
  tracks: Track[];
  plans: Course[];
  track(id: string): Track | undefined;
  lesson(id: string): Lesson | undefined;
  /** A plan or a track, by id ("zonghe", "safety") or Chinese title ("综合", "安全生产"). */
  course(word: string): Course | undefined;
}

export const optionLetter = (index: number): string => String.fromCharCode(65 + index);

export const trackCourse = (t: Track): Course => ({ id: t.id, title: t.title, tracks: [t] });

export function makeLibrary(tracks: Track[], plans: Course[] = []): Library {
  const byLesson = new Map(tracks.flatMap((t) => t.lessons.map((l) => [l.id, l] as const)));
  const byTrack = new Map(tracks.map((t) => [t.id, t]));
  const courses = [...plans, ...tracks.map(trackCourse)];
  const byWord = new Map<string, Course>();
  // Ids first, so a title can never hide an id; the first of two equal titles wins.
  for (const c of courses) if (!byWord.has(c.id)) byWord.set(c.id, c);
  for (const c of courses) if (!byWord.has(c.title)) byWord.set(c.title, c);
  return {
    tracks,
    plans,
    track: (id) => byTrack.get(id),
    lesson: (id) => byLesson.get(id),
    course: (word) => byWord.get(word.trim()) ?? byWord.get(word.trim().toLowerCase()),
  };
}
