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

export interface Library {
  tracks: Track[];
  track(id: string): Track | undefined;
  lesson(id: string): Lesson | undefined;
}

export const optionLetter = (index: number): string => String.fromCharCode(65 + index);

export function makeLibrary(tracks: Track[]): Library {
  const byLesson = new Map(tracks.flatMap((t) => t.lessons.map((l) => [l.id, l] as const)));
  const byTrack = new Map(tracks.map((t) => [t.id, t]));
  return { tracks, track: (id) => byTrack.get(id), lesson: (id) => byLesson.get(id) };
}
