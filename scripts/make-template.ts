/**
 * Writes lessons/template.xlsx: the import layout with two real lessons as examples and the 说明 sheet.
 * Run after changing the layout: node --import tsx scripts/make-template.ts
 */
import { loadLibrary } from '../src/core/lessons/load.ts';
import { lessonColumns, lessonRow } from '../src/core/lessons/sheet.ts';
import { writeLessonSheet } from '../src/adapters/sheets/lessonSheets.ts';

const examples = ['safety-001', 'rights-003'];
const { library } = loadLibrary('lessons');
const rows = examples.map((id) => {
  const lesson = library.lesson(id);
  if (!lesson) throw new Error(`example lesson ${id} is missing`);
  return lessonRow(lesson, library.track(lesson.trackId)!);
});
await writeLessonSheet('lessons/template.xlsx', [lessonColumns.map((c) => c.zh), ...rows]);
console.log(`lessons/template.xlsx: ${examples.join(', ')}`);
