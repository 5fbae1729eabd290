import { Command } from 'commander';
import { loadLibrary } from '../../core/lessons/load.ts';
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
      console.log(`${library.tracks.length} 门课程，${lessonCount} 课可用，${errors} 个错误，${problems.length - errors} 个提醒`);
      process.exitCode = hasErrors(problems) ? 1 : 0;
    });

  lessons
    .command('preview')
    .description('按机器人实际发送的样子显示一课及其小测')
    .argument('<lesson-id>', '课程编号，如 safety-001')
    .option('--lessons <dir>', '课程目录', 'lessons')
    .action((id: string, opts: { lessons: string }, cmd: Command) => {
      const config = loadConfig(cmd.optsWithGlobals().config);
      const { library, problems } = loadLibrary(opts.lessons);
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
