import { expect, test } from 'vitest';
import { loadLibrary } from '../../src/core/lessons/load.ts';
import { lessonKinds } from '../../src/core/lessons/types.ts';

test('the shipped library loads without problems: 30+ lessons in 3+ tracks, every 理论+N form used', () => {
  const { library, problems } = loadLibrary('lessons');
  expect(problems).toEqual([]);
  expect(library.tracks.length).toBeGreaterThanOrEqual(3);
  const lessons = library.tracks.flatMap((t) => t.lessons);
  expect(lessons.length).toBeGreaterThanOrEqual(30);
  expect(new Set(lessons.map((l) => l.kind))).toEqual(new Set(lessonKinds));
  for (const l of lessons) {
    expect(l.source, l.id).toBeTruthy(); // every fact has a source to check it against
    for (const q of l.quiz) expect(q.explain.trim(), l.id).not.toBe('');
  }
});
