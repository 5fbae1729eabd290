import { Command } from 'commander';
import type { Config } from '../../config/config.ts';
import { courseChoices, describeDays } from '../../core/bot/texts.ts';
import { bodyChars, libraryStats } from '../../core/lessons/libraryStats.ts';
import { loadLibrary } from '../../core/lessons/load.ts';
import { previewCourse } from '../../core/lessons/preview.ts';
import { kindLabels, type Library } from '../../core/lessons/types.ts';
import { yearsWithoutHolidays } from '../../core/schedule/calendar.ts';
import { isoWeekday, isRealDate, wallClock } from '../../core/time.ts';
import { renderLesson } from '../../core/lessons/render.ts';
import { wechatyCaps } from '../chat/wechaty/caps.ts';
import { formatProblem, hasErrors } from '../../core/problems.ts';
import { loadConfig } from '../../config/config.ts';
import { formatSheetProblem, lessonRows } from '../../core/lessons/sheet.ts';
import { importLessonSheet, writeLessonSheet } from '../sheets/lessonSheets.ts';

export function lessonsCommand(): Command {
  const lessons = new Command('lessons').description('检查、预览、导入和导出课程');

  lessons
    .command('validate')
    .description('检查课程目录里的每个文件，列出所有问题（文件:行:列）')
    .argument('[dir]', '课程目录', 'lessons')
    .action((dir: string) => {
      const { library, problems } = loadLibrary(dir);
      for (const p of problems) console.log(formatProblem(p));
      const errors = problems.filter((p) => p.severity === 'error').length;
      const lessonCount = library.tracks.reduce((n, t) => n + t.lessons.length, 0);
      const plans = library.plans.length ? `、${library.plans.length} 个计划` : '';
      console.log(`${library.tracks.length} 门课程${plans}，${lessonCount} 课可用，${errors} 个错误，${problems.length - errors} 个提醒`);
      process.exitCode = hasErrors(problems) ? 1 : 0;
    });

  lessons
    .command('preview')
    .description('按机器人实际发送的样子显示一课；或用 --plan 列出一个计划每天会推送哪一课（含节假日和调休）')
    .argument('[lesson-id]', '课程编号，如 safety-001')
    .option('--lessons <dir>', '课程目录', 'lessons')
    .option('--plan <plan>', '计划或课程（编号或名称），如 综合、safety')
    .option('--from <date>', '从哪天起（YYYY-MM-DD），配合 --plan；默认今天')
    .option('--days <n>', '列出多少天（日历天），配合 --plan', '20')
    .action((id: string | undefined, opts: { lessons: string; plan?: string; from?: string; days: string }, cmd: Command) => {
      const config = loadConfig(cmd.optsWithGlobals().config);
      const { library, problems } = loadLibrary(opts.lessons);
      if (opts.plan !== undefined) return previewPlan(library, opts as PlanOptions, config);
      if (!id) throw new Error('请给出课程编号（如 safety-001），或用 --plan 预览一个计划');
      const lesson = library.lesson(id);
      if (!lesson) {
        const broken = problems.filter((p) => p.severity === 'error').map(formatProblem);
        console.error(`找不到课程“${id}”。${broken.length ? `\n以下文件有错误，未能加载：\n${broken.join('\n')}` : ''}`);
        process.exitCode = 1;
        return;
      }
      const track = library.track(lesson.trackId)!;
      // Shown as the default channel (WeChat) sends it; the quiz's task ids are for a preview group.
      const ref = { gid: 0, day: '2000-01-01', kind: 'lesson' as const };
      const messages = renderLesson(lesson, { track, number: track.lessons.indexOf(lesson) + 1, windowMinutes: config.quiz.windowMinutes, ref, caps: wechatyCaps, botName: config.botName });
      messages.forEach((m, i) => {
        console.log(`──── 消息 ${i + 1}/${messages.length}（${m.kind === 'text' ? '文字' : m.kind === 'image' ? '图片' : m.kind === 'link' ? '链接' : '答题卡'}）────`);
        console.log(m.kind === 'text' ? m.text : m.kind === 'image' ? m.file : m.kind === 'link' ? `${m.title}\n${m.url}` : `${m.question}\n${m.options.join(' / ')}`);
      });
    });

  lessons
    .command('stats')
    .description('课程库的数字：各门课的课数、“理论+N”形式占比、答案字母分布、重复题、缺出处和缺链接的课')
    .argument('[dir]', '课程目录', 'lessons')
    .action((dir: string) => {
      const s = libraryStats(loadLibrary(dir).library);
      const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
      console.log(`共 ${s.lessons} 课`);
      for (const t of s.tracks) {
        const letters = Object.keys(t.letters.expected).sort().map((l) => `${l} ${t.letters.keyed[l] ?? 0}（应约 ${t.letters.expected[l].toFixed(0)}）`);
        console.log(`${t.title}（${t.id}）：${t.lessons} 课，其中按日子推送 ${t.dated} 课；单选题答案 ${letters.join('，')}，最大偏差 ${pct(t.letters.worst)}`);
      }
      console.log(`形式占比：${s.kinds.map((k) => `${kindLabels[k.kind]} ${k.lessons} 课 ${pct(k.share)}（目标 ${pct(k.target)}）`).join('；')}`);
      const list = (label: string, items: string[]) => console.log(`${label}：${items.length ? items.join('、') : '无'}`);
      list('重复或相近的题', s.duplicateQuestions.map((d) => `${d.a} ≈ ${d.b}（${pct(d.similarity)}）`));
      list('“网络阵地”课缺原文链接', s.onlineWithoutLink);
      list('缺出处', s.withoutSource);
      list(`正文不在 ${bodyChars.min}–${bodyChars.max} 字`, s.bodyOutOfRange.map((b) => `${b.id}（${b.chars} 字）`));
    });

  lessons
    .command('import')
    .description('从 Excel/WPS 表格（.xlsx 或 .csv）导入课程：每行一课，按编号新增或更新课程文件；有任何错误则什么都不写')
    .argument('<file>', '课程表格，如 lessons.xlsx')
    .option('--track <id>', '“课程”列空着的行归入这门课程')
    .option('--lessons <dir>', '课程目录', 'lessons')
    .action(async (file: string, opts: { track?: string; lessons: string }) => {
      const { problems, added, updated } = await importLessonSheet(file, opts.lessons, opts.track);
      for (const p of problems) console.log(formatSheetProblem(p));
      const errors = problems.filter((p) => p.severity === 'error').length;
      if (errors) {
        console.log(`表格有 ${errors} 处错误，没有导入任何课程。`);
        process.exitCode = 1;
        return;
      }
      console.log(`新增 ${added} 课，更新 ${updated} 课`);
    });

  lessons
    .command('export')
    .description('把课程导出为表格（.xlsx 或 .csv），格式与导入相同，可审阅、修改后再导入')
    .argument('<out>', '输出文件，如 lessons.xlsx')
    .option('--track <id>', '只导出这门课程')
    .option('--lessons <dir>', '课程目录', 'lessons')
    .action(async (out: string, opts: { track?: string; lessons: string }) => {
      const { library, problems } = loadLibrary(opts.lessons);
      if (opts.track !== undefined && !library.track(opts.track)) {
        throw new Error(`没有课程“${opts.track}”（可选：${library.tracks.map((t) => t.id).join('、')}）`);
      }
      const broken = problems.filter((p) => p.severity === 'error');
      // A broken file cannot be exported; say so, so the sheet is not taken for the whole library.
      if (broken.length) console.error([...broken.map(formatProblem), `以上 ${broken.length} 处错误所在的课没有导出。`].join('\n'));
      const rows = lessonRows(library, opts.track);
      await writeLessonSheet(out, rows);
      console.log(`已导出 ${rows.length - 1} 课到 ${out}`);
    });

  return lessons;
}

interface PlanOptions {
  plan: string;
  from?: string;
  days: string;
}

/** One line per day: the lesson a group enrolled on --from would get, or why there is none. */
function previewPlan(library: Library, opts: PlanOptions, config: Config): void {
  const course = library.course(opts.plan);
  if (!course) throw new Error(`没有计划或课程“${opts.plan}”。可选：${courseChoices(library)}`);
  const from = opts.from ?? wallClock(Date.now(), config.timezone).day;
  if (!isRealDate(from)) throw new Error(`--from “${from}”不是有效日期，应写成 2027-01-04`);
  const days = Number(opts.days);
  if (!Number.isInteger(days) || days < 1 || days > 3660) throw new Error(`--days 应为 1 到 3660 之间的整数，收到“${opts.days}”`);
  const plan = previewCourse(course, from, days, config.schedule.workDays, config.schedule);
  for (const y of yearsWithoutHolidays(from, config.schedule, days)) {
    console.log(`注意：节假日数据还没有 ${y} 年的安排，下面 ${y} 年的法定节假日按工作日列出。请在配置 schedule.restDays 里写上这些休息日，或更新 chinese-days。`);
  }
  console.log(`计划《${course.title}》自 ${from} 起 ${days} 天（工作日 ${describeDays(config.schedule.workDays)}，法定节假日休息，调休上班日照常）：`);
  let round = 1;
  for (const p of plan) {
    const head = `${p.day} ${weekdayNames[isoWeekday(p.day)]}`;
    if (!p.next) {
      console.log(`${head}  —— ${p.note || '无课'}`);
      continue;
    }
    if (p.next.newCycle) console.log(`—— 第 ${++round} 轮开始（前一轮的课都学完了）——`);
    const tags = [p.note, p.next.dated ? `按日子：${p.next.lesson.dates!.join('、')}` : '', p.repeat ? '重复' : '', p.yearly ? '一年前学过，每年一次' : ''].filter(Boolean);
    console.log(`${head}  ${p.next.track.title}  ${p.next.lesson.id}  《${p.next.lesson.title}》${tags.length ? `（${tags.join('；')}）` : ''}`);
  }
  const taught = plan.filter((p) => p.next);
  const repeats = taught.filter((p) => p.repeat).length;
  const yearly = taught.filter((p) => p.yearly).length;
  console.log(
    `共 ${taught.length} 个上课日，${new Set(taught.map((p) => p.next!.lesson.id)).size} 课不同，${repeats ? `${repeats} 次重复` : '没有重复'}；` +
      `按日子推送 ${taught.filter((p) => p.next!.dated).length} 课${yearly ? `（其中 ${yearly} 课是一年前学过、每年一次的节令课）` : ''}。`,
  );
}

const weekdayNames = ['', '周一', '周二', '周三', '周四', '周五', '周六', '周日'];
