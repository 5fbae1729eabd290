import { Command } from 'commander';
import { loadLibrary } from '../../core/lessons/load.ts';
import { renderLesson } from '../../core/lessons/render.ts';
import { wechatyCaps } from '../chat/wechaty/caps.ts';
import { formatProblem, hasErrors } from '../../core/problems.ts';
import { loadConfig } from '../../config/config.ts';

export function lessonsCommand(): Command {
  const lessons = new Command('lessons').description('检查和预览课程');

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

  return lessons;
}
