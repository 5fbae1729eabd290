import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, isAbsolute, join, relative, resolve } from 'node:path';
import lessonSchema from '../../../schemas/lesson.schema.json' with { type: 'json' };
import planSchema from '../../../schemas/plan.schema.json' with { type: 'json' };
import trackSchema from '../../../schemas/track.schema.json' with { type: 'json' };
import type { ErrorObject, ValidateFunction } from 'ajv';
import { CheckedYaml, newAjv } from '../yaml/checkedYaml.ts';
import type { Problem } from '../problems.ts';
import { parseDaySpan } from './dates.ts';
import { makeLibrary, optionLetter, type Course, type Lesson, type Library, type Question, type Track } from './types.ts';

/** Above this many characters a body is hard to read in one WeChat message. */
export const longBodyChars = 1000;
/** A body longer than this is refused: it would flood the group with messages. */
export const maxBodyChars = 5000;
/** A lesson file larger than this is refused unread; a real one is under 30 KB. */
export const maxLessonBytes = 256 * 1024;

const ajv = newAjv();
const validateLesson = ajv.compile(lessonSchema);
const validateTrack = ajv.compile(trackSchema);
const validatePlan = ajv.compile(planSchema);

/** The folder of plans, beside the track folders. */
export const plansFolder = 'plans';

/** Where a lesson's problems go: a YAML file (file:line:col) or a spreadsheet row (file:sheet!cell). */
export interface LessonChecker {
  report(path: (string | number)[], severity: Problem['severity'], message: string, atKey?: boolean): void;
  checkSchema(validate: ValidateFunction, data: unknown, describe?: (e: ErrorObject) => string): boolean;
}

export interface LoadResult {
  library: Library;
  problems: Problem[];
}

/**
 * Loads every track folder under `dir`. A file with an error is left out and reported;
 * the good lessons still load, so one author's typo never stops a morning push.
 */
export function loadLibrary(dir: string): LoadResult {
  const problems: Problem[] = [];
  const root = resolve(dir);
  const shown = (abs: string) => relative(process.cwd(), abs) || abs;
  if (!isDir(root)) {
    problems.push({ file: shown(root), line: 1, col: 1, severity: 'error', message: '找不到课程目录' });
    return { library: makeLibrary([]), problems };
  }
  const tracks: Track[] = [];
  const seenIds = new Map<string, string>();
  for (const name of readdirSync(root).sort()) {
    const trackDir = join(root, name);
    if (name === plansFolder || !isDir(trackDir)) continue;
    const track = loadTrack(trackDir, shown, problems);
    if (!track) continue;
    for (const file of readdirSync(trackDir).filter(isLessonFile).sort()) {
      const lesson = loadLesson(join(trackDir, file), track, shown, seenIds, problems);
      if (lesson) track.lessons.push(lesson);
    }
    tracks.push(track);
  }
  const plans = loadPlans(join(root, plansFolder), tracks, shown, problems);
  return { library: makeLibrary(tracks, plans), problems };
}

// Hidden files are skipped: editors leave lock files such as .#001.yaml (a dangling symlink) beside the lesson.
const isLessonFile = (f: string) => /\.ya?ml$/.test(f) && !f.startsWith('.') && !/^track\.ya?ml$/.test(f);
const isDir = (path: string) => statSync(path, { throwIfNoEntry: false })?.isDirectory() ?? false;

function loadTrack(dir: string, shown: (p: string) => string, problems: Problem[]): Track | undefined {
  const file = ['track.yaml', 'track.yml'].map((f) => join(dir, f)).find(existsSync);
  if (!file) {
    problems.push({ file: shown(dir), line: 1, col: 1, severity: 'error', message: '课程目录缺少 track.yaml（需要 id 和 title），此目录下的课都不会加载' });
    return undefined;
  }
  const { yaml, data } = CheckedYaml.read(file, shown(file), maxLessonBytes);
  const ok = data !== undefined && yaml.checkSchema(validateTrack, data);
  for (const p of yaml.problems) problems.push(p); // no spread: one file can hold tens of thousands of problems
  if (!ok) return undefined;
  const t = data as { id: string; title: string; description?: string };
  return { id: t.id, title: t.title.trim(), description: t.description?.trim(), dir, lessons: [] };
}

function loadLesson(file: string, track: Track, shown: (p: string) => string, seenIds: Map<string, string>, problems: Problem[]): Lesson | undefined {
  const { yaml, data } = CheckedYaml.read(file, shown(file), maxLessonBytes);
  if (data !== undefined) checkLessonData(yaml, data, track.dir, seenIds);
  for (const p of yaml.problems) problems.push(p); // no spread: one file can hold tens of thousands of problems
  if (yaml.problems.some((p) => p.severity === 'error')) return undefined;
  const lesson = lessonOf(data as RawLesson, track, file);
  seenIds.set(lesson.id, `${yaml.file}:${yaml.position(['id']).line}`);
  return lesson;
}

/**
 * Every check a lesson gets, wherever it was written: the schema, then the semantic checks on whatever
 * parts are well-formed, so one pass reports every problem. `seenIds` maps ids already taken to where.
 */
export function checkLessonData(checker: LessonChecker, data: unknown, trackDir: string, seenIds: Map<string, string>): void {
  checker.checkSchema(validateLesson, data);
  if (data && typeof data === 'object') checkSemantics(checker, data as Partial<RawLesson>, trackDir, seenIds);
}

/** A checked lesson as the bot uses it. */
export function lessonOf(raw: RawLesson, track: Track, file: string): Lesson {
  return {
    id: raw.id,
    title: raw.title.trim(),
    kind: raw.kind,
    ...(raw.dates !== undefined && { dates: [raw.dates].flat().map((d) => d.trim()) }),
    body: raw.body.trim(),
    image: raw.image && !isUrl(raw.image) ? resolve(track.dir, raw.image) : raw.image,
    link: raw.link,
    source: raw.source?.trim(),
    quiz: raw.quiz.map((q) => ({ ...q, options: q.options.map(String), answer: [...q.answer].sort().join('') })),
    trackId: track.id,
    file,
  };
}

/** A lesson as written in a file: `dates` may be one string, options may be numbers. */
export type RawLesson = Omit<Lesson, 'trackId' | 'file' | 'quiz' | 'dates'> & {
  dates?: string | string[];
  quiz: (Omit<Question, 'options'> & { options: (string | number)[] })[];
};

const isUrl = (s: string) => /^https?:\/\//.test(s);

function checkSemantics(yaml: LessonChecker, raw: Partial<RawLesson>, trackDir: string, seenIds: Map<string, string>): void {
  const first = typeof raw.id === 'string' && seenIds.get(raw.id);
  if (first) yaml.report(['id'], 'error', `课程编号“${raw.id}”重复了，${first} 已经用过`);
  if (typeof raw.body === 'string') {
    const chars = raw.body.trim().length;
    if (!chars) yaml.report(['body'], 'error', '“body”（课程正文）不能为空');
    else if (chars > maxBodyChars) yaml.report(['body'], 'error', `正文有 ${chars} 字，超过上限 ${maxBodyChars} 字，这一课不会发送；请拆成几课`);
    else if (chars > longBodyChars) yaml.report(['body'], 'warning', `正文有 ${chars} 字，超过 ${longBodyChars} 字，在微信里一屏读不完，建议精简或拆成两课`);
  }
  if (typeof raw.image === 'string') {
    if (isUrl(raw.image)) {
      if (!raw.image.startsWith('https://')) yaml.report(['image'], 'error', '图片网址请用 https://');
    } else if (isAbsolute(raw.image) || !existsSync(resolve(trackDir, raw.image))) {
      yaml.report(['image'], 'error', `找不到图片文件“${raw.image}”（路径相对于课程目录 ${basename(trackDir)}/）`);
    }
  }
  const dates = typeof raw.dates === 'string' ? [raw.dates] : Array.isArray(raw.dates) ? raw.dates : [];
  dates.forEach((d, i) => {
    const span = typeof d === 'string' && parseDaySpan(d);
    if (typeof span === 'string') yaml.report(Array.isArray(raw.dates) ? ['dates', i] : ['dates'], 'error', span);
  });
  (Array.isArray(raw.quiz) ? raw.quiz : []).forEach((q, i) => {
    if (typeof q?.answer !== 'string' || !Array.isArray(q.options)) return;
    const letters = [...q.answer];
    const outside = letters.filter((l) => l.charCodeAt(0) - 65 >= q.options.length);
    if (outside.length) {
      const last = optionLetter(q.options.length - 1);
      yaml.report(['quiz', i, 'answer'], 'error', `第 ${i + 1} 题答案“${q.answer}”超出了选项范围（只有 A–${last}）`);
    }
    if (new Set(letters).size !== letters.length) yaml.report(['quiz', i, 'answer'], 'error', `第 ${i + 1} 题答案“${q.answer}”里有重复的字母`);
    const dup = q.options.findIndex((o, j) => q.options.indexOf(o) !== j);
    if (dup >= 0) yaml.report(['quiz', i, 'options', dup], 'error', `第 ${i + 1} 题有两个相同的选项“${q.options[dup]}”`);
  });
}

/**
 * The library as it is on disk now: re-read when a file changed, so an author's fix or a newly broken
 * file takes effect by the next push. Every call looks at the folders' mtimes (a file added, removed or
 * saved by renaming shows there at once); every file's size and mtime is looked at once per `recheckMs`.
 */
export class LibraryWatcher {
  private fingerprint = '';
  private folders = '';
  private current: Library = makeLibrary([]);
  private checkedAt = -Infinity;

  /** `recheckMs`: look at every file at most this often (the scheduler's tick and readers per request use a few seconds). */
  constructor(
    private readonly dir: string,
    private readonly onProblems: (problems: Problem[]) => void,
    private readonly recheckMs = 0,
  ) {}

  get library(): Library {
    return this.current;
  }

  refresh(): Library {
    const root = resolve(this.dir);
    const folders = folderPrint(root);
    if (folders === this.folders && performance.now() - this.checkedAt < this.recheckMs) return this.current;
    this.folders = folders;
    this.checkedAt = performance.now();
    const print = fingerprintOf(root);
    if (print !== this.fingerprint) {
      this.fingerprint = print;
      const { library, problems } = loadLibrary(this.dir);
      this.current = library;
      if (problems.length) this.onProblems(problems);
    }
    return this.current;
  }
}

/** The lessons folder's and each track folder's mtime: a few stats, whatever the number of lessons. */
function folderPrint(root: string): string {
  const top = statSync(root, { throwIfNoEntry: false });
  if (!top) return 'missing';
  const parts = [String(top.mtimeMs)];
  for (const name of readdirSync(root).sort()) parts.push(`${name}:${statSync(join(root, name), { throwIfNoEntry: false })?.mtimeMs}`);
  return parts.join('|');
}

function fingerprintOf(root: string): string {
  if (!existsSync(root)) return 'missing';
  const parts: string[] = [];
  for (const name of readdirSync(root).sort()) {
    const dir = join(root, name);
    if (!isDir(dir)) continue;
    for (const f of readdirSync(dir).sort()) {
      const s = statSync(join(dir, f), { throwIfNoEntry: false }); // none for a dangling symlink or a file just deleted
      parts.push(`${name}/${f}:${s?.size}:${s?.mtimeMs}`);
    }
  }
  return parts.join('|');
}

interface RawPlan {
  id: string;
  title: string;
  description?: string;
  tracks?: string[];
  weights?: Record<string, number>;
  weekdays?: Record<string, string>;
}

/**
 * Plans under lessons/plans/. A plan naming a track that is not loaded is reported and keeps its other
 * tracks, so one bad folder never stops the groups that follow the plan.
 */
function loadPlans(dir: string, tracks: Track[], shown: (p: string) => string, problems: Problem[]): Course[] {
  if (!isDir(dir)) return [];
  const byId = new Map(tracks.map((t) => [t.id, t]));
  const plans: Course[] = [];
  for (const file of readdirSync(dir).filter((f) => /\.ya?ml$/.test(f) && !f.startsWith('.')).sort()) {
    const { yaml, data } = CheckedYaml.read(join(dir, file), shown(join(dir, file)), maxLessonBytes);
    const plan = data !== undefined && yaml.checkSchema(validatePlan, data) ? planOf(yaml, data as RawPlan, byId, plans) : undefined;
    for (const p of yaml.problems) problems.push(p);
    if (plan) plans.push(plan);
  }
  return plans;
}

function planOf(yaml: CheckedYaml, raw: RawPlan, tracks: Map<string, Track>, earlier: Course[]): Course | undefined {
  const forms = (['tracks', 'weights', 'weekdays'] as const).filter((k) => raw[k] !== undefined);
  if (forms.length !== 1) {
    yaml.report(forms.length ? [forms[1]] : [], 'error', '计划要写且只写一种：tracks（按课程大小轮换）、weights（按权重）或 weekdays（按星期几）', true);
    return undefined;
  }
  if (tracks.has(raw.id) || earlier.some((p) => p.id === raw.id)) {
    yaml.report(['id'], 'error', `编号“${raw.id}”已被${tracks.has(raw.id) ? '一门课程' : '另一个计划'}使用，请换一个`);
    return undefined;
  }
  const find = (id: string, path: (string | number)[]) => {
    const t = tracks.get(id);
    if (!t) yaml.report(path, 'error', `没有课程“${id}”（可选：${[...tracks.keys()].join('、')}）；这一项不计入计划`);
    return t;
  };
  const plan: Course = { id: raw.id, title: raw.title.trim(), tracks: [], file: yaml.file };
  const add = (t: Track | undefined) => t && !plan.tracks.includes(t) && plan.tracks.push(t);
  if (raw.tracks) raw.tracks.forEach((id, i) => add(find(id, ['tracks', i])));
  if (raw.weights) {
    plan.weights = new Map();
    for (const [id, w] of Object.entries(raw.weights)) {
      const t = find(id, ['weights', id]);
      add(t);
      if (t) plan.weights.set(t.id, w);
    }
  }
  if (raw.weekdays) {
    plan.weekdays = new Map();
    for (const [day, id] of Object.entries(raw.weekdays).sort()) {
      const t = find(id, ['weekdays', day]);
      add(t);
      if (t) plan.weekdays.set(Number(day), t);
    }
  }
  if (!plan.tracks.length) {
    yaml.report([], 'error', `计划“${raw.title}”里没有一门可用的课程，未加载`);
    return undefined;
  }
  return plan;
}
