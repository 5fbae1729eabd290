import type { LessonSnapshot } from '../lessons/snapshot.ts';
import { rotationLessons } from '../lessons/course.ts';
import type { Library, Question } from '../lessons/types.ts';
import type { Group, Push } from '../ports.ts';
import { answerExample } from '../quiz/answers.ts';
import { sourceLabels, type ExpectedSource } from '../quiz/participants.ts';
import { isoWeekday, wallClock } from '../time.ts';

export const enrolHint = '本群还没有报名。请群主或班长发送“报名 时间”（学综合课程），例如：报名 07:50；或“报名 课程 时间”，例如：报名 safety 07:50';
export const leftHint = '本群已退订，不再推送。群主或班长重新发送“报名 课程 时间”即可接着学，学习记录都保留着。';
export const enrolUsage = (example = 'safety', byDefault?: string) =>
  `用法：报名 课程 时间（24 小时制），例如：报名 ${example} 07:50${byDefault ? `；不写课程即学${byDefault}：报名 07:50` : ''}`;
export const headcountUsage = '人数请填 1 到 1000 之间的整数，例如：人数 12（没有花名册时，统计按这个人数算；“人数 0”取消）';

/** Why a 报名 code was not taken. */
export function codeRefusal(outcome: { kind: 'wrong' } | { kind: 'expired' } | { kind: 'locked'; until: number }, now: number): string {
  if (outcome.kind === 'expired') return '这个报名码已过期（有效 7 天），请找工会干部重新生成。';
  if (outcome.kind === 'locked') return `报名码输错次数太多，请 ${Math.max(1, Math.ceil((outcome.until - now) / 60_000))} 分钟后再试。`;
  return '报名码不对或已经用过，请核对工会发的 6 位报名码。';
}

/** How an officer hands a code on: the CLI prints it, the dashboard shows it. */
export const describeCode = (code: string, team: string, expiresAt: number, timezone: string): string => {
  const until = wallClock(expiresAt, timezone);
  return `报名码：${code}（${team}，${until.day} ${until.hhmm} 前有效，只能用一次）\n班长在班组群里发送：@班前小助手 报名 课程 时间 ${code}，例如：@班前小助手 报名 safety 07:50 ${code}`;
};

export const leaveQuestion = '确定要退订吗？退订后不再推送，学习记录都保留。确定请回复“确认退订”。';
export const shortHelp = '我是班前小助手：每个工作日推送班前十分钟的一课和小测。答题直接回复选项，如 “B”；发送“帮助”查看全部指令，发送“我的”查看积分。';

export const helpText = [
  '【班前十分钟 · 使用说明】',
  '答题：课后直接在群里回复，如 “B”、“1B 2C”、“答案：AC”，以第一次回复为准。',
  '我的 — 查看积分、连续学习次数、本月参与和排名（群里或私聊都可以）',
  '请假 3 — 接下来 3 个学习日请假，或 请假 12-08..12-10；事由写在后面，只有班长看得到；销假 — 取消（群里或私聊都可以）',
  '我的错题 — 私聊发送，查看自己近 30 天答错的题和解析（不在群里列出）',
  '周复习：每周最后一个上课日小测揭晓后，再做本群近四周错得最多的 3 道题；答错的题 3 天和 10 天后私聊再问一次，回复字母作答。',
  '班长/群主：',
  '报名 时间 — 学综合课程（各门课轮流、节日的课按日子），如：报名 07:50',
  '报名 课程 时间 — 指定课程或计划，如：报名 safety 07:50 或 报名 安全生产 07:50',
  '时间 07:30 · 工作日 1-6 · 答题时长 90',
  '暂停 · 恢复 · 退订（需回复“确认退订”，数据保留）· 立即推送 · 统计',
  '人数 12 — 设定本群应参与人数（班组没有导入花名册时用）',
  '报名 课程 时间 报名码 — 用工会发的 6 位报名码报名，报名的人成为班长',
  '班长 添加 @名字 — 让同事也能设置本群（可一次添加多人）',
  '班组 总装车间一班 — 把本群归到工会组织架构里的班组',
  '班长 请假 @名字 3 — 替工友请假（取消：班长 请假 @名字 取消）',
  '提醒 30 · 提醒 关 · 提醒 开 — 答题截止前 30 分钟在群里提醒还有几人没作答（不点名），名单私聊发给班长',
  '日报 开 · 日报 关 — 每课答题结束后私聊发给班长：参与情况、未作答和补学的人、错得最多的选项',
  '功能 · 功能 周复习 关 — 查看或开关本群的提醒、日报、周复习、错题再练、班组PK、学习之星、徽章、请假',
  '英文指令同样可用：/enroll /time /days /window /pause /resume /leave /push /status /headcount /leader add /team /me /absence /remind /digest /mistakes /features /help',
].join('\n');

/** The polite no for someone who is not the owner or a leader; it names what they tried, not "设置" for a read. */
export const leaderOnly = (what: string) => `抱歉，只有群主或班长可以${what}。`;

/** Told once per quiz to a worker whose reply looks like an answer but can't be read. */
/** `mention` is "@班前小助手 " where the bot hears only @-mentions, so the example is one it will hear. */
export function answerHint(name: string, quiz: Question[], mention = ''): string {
  const how = quiz.length > 1 ? '请按题号回复' : '请直接回复选项字母';
  const multi = quiz.some((q) => q.answer.length > 1) ? '，多选题把选项连着写' : '';
  return `@${name} 没看懂这条答案。${how}，如 “${mention}${answerExample(quiz)}”${multi}，以第一次回复为准。`;
}

const weekdayNames = ['一', '二', '三', '四', '五', '六', '日'];

/** [1,2,3,4,5] → "周一至周五"; [1,3,5] → "周一、周三、周五". */
export function describeDays(days: number[]): string {
  const sorted = [...days].sort((a, b) => a - b);
  const contiguous = sorted.every((d, i) => i === 0 || d === sorted[i - 1] + 1);
  if (contiguous && sorted.length > 2) return `周${weekdayNames[sorted[0] - 1]}至周${weekdayNames[sorted.at(-1)! - 1]}`;
  return sorted.map((d) => `周${weekdayNames[d - 1]}`).join('、');
}

/** "2026-12-07" → "12月7日（周一）". */
export function describeDay(day: string): string {
  const [, m, d] = day.split('-').map(Number);
  return `${m}月${d}日（周${weekdayNames[isoWeekday(day) - 1]}）`;
}

/** "，按花名册": what the expected count was measured against (nothing for pushes closed before it was kept). */
const sourceNote = (source: string | undefined): string => (source && source in sourceLabels ? `，${sourceLabels[source as ExpectedSource]}` : '');

export const percent = (part: number, whole: number): string => (whole ? `${Math.round((part / whole) * 100)}%` : '—');

export interface SummaryFigures {
  push: Push;
  firstCorrect: string[];
  streaks: { name: string; streak: number }[];
  /** Answers come through the answer page's link (a channel that hears nothing), not replies in the group. */
  viaPage?: boolean;
  /** The weekly review: no 补学 after it, and its figures are apart from the daily ones. */
  review?: boolean;
}

/** "A. 安全帽；C. 防护眼镜": a question's right options with their texts. */
export const rightAnswer = (q: Question): string => [...q.answer].map((l) => `${l}. ${q.options[l.charCodeAt(0) - 65]}`).join('；');

/** The one message posted when a quiz closes: answers, explanations, participation, recognition. */
export function renderSummary(lesson: Pick<LessonSnapshot, 'title' | 'quiz'>, f: SummaryFigures): string {
  const { push } = f;
  const expected = push.expected ?? 0;
  const lines = [`【小测揭晓】《${lesson.title}》`];
  lesson.quiz.forEach((q, i) => {
    const letters = [...q.answer];
    lines.push('', `${lesson.quiz.length > 1 ? `${i + 1}. ` : ''}正确答案：${rightAnswer(q)}${letters.length > 1 ? '（多选）' : ''}`, `解析：${q.explain.trim()}`);
  });
  const leave = push.leave ? `，请假 ${push.leave} 人不计` : '';
  lines.push('', `参与：${push.answered}/${expected} 人（${percent(push.answered, expected)}${sourceNote(push.expectedSource)}${leave}），全部答对 ${push.correct} 人。`);
  if (f.firstCorrect.length) lines.push(`👏 最先全对：${f.firstCorrect.join('、')}`);
  const long = f.streaks.filter((s) => s.streak >= 3);
  if (long.length) lines.push(`🔥 连续学习：${long.map((s) => `${s.name} ${s.streak} 次`).join('、')}`);
  if (f.review) lines.push('周复习的积分已计入，不计入每日参与率。');
  else lines.push(f.viaPage ? '没赶上的同事，下一课推送前点开小测的答题链接提交，仍记为补学。' : '没赶上的同事，下一课推送前回复答案仍记为补学。');
  return lines.join('\n');
}

/** The short note posted during the window; answers stay hidden until the close. */
export const renderAck = (answered: number): string => `已有 ${answered} 人作答，还没答的工友抓紧时间，截止后公布答案。`;

/** The plans and tracks a leader may choose (all but `except`), as shown in replies: "综合（zonghe）、…". */
export const courseChoices = (library: Library, except?: string): string =>
  [...library.plans, ...library.tracks]
    .filter((c) => c.id !== except)
    .map((c) => `${c.title}（${c.id}）`)
    .join('、');

/** Told once, when a group has had every lesson of its course: the next round, and what else there is. */
export function renderRoundDone(library: Library, g: Group): string {
  const course = library.course(g.track);
  const count = course?.tracks.reduce((n, t) => n + rotationLessons(t).length, 0);
  const others = courseChoices(library, g.track);
  return [
    `《${course?.title ?? g.track}》${count ? `共 ${count} 课` : ''}第 ${g.cycle} 轮已学完，下一课起开始第 ${g.cycle + 1} 轮复习。`,
    others ? `想换课程，班长可发送“报名 课程 ${g.time}”，可选：${others}。` : '',
  ].filter(Boolean).join('\n');
}

/** Told once when the bot comes back too late to send today's lesson: how the leader sends it anyway. */
export const renderHeldBack = (day: string, time: string, minutesLate: number): string =>
  `【班前十分钟】${describeDay(day)} ${time} 的课：这时段要推送的群太多，预计会晚约 ${minutesLate} 分钟送到，为免打扰上班，今天先不推送。班长或群主发送“立即推送”即可补发。`;

export const renderMissed = (day: string, time: string): string =>
  `【班前十分钟】${describeDay(day)} ${time} 的课因系统停机没能按时推送。班长或群主发送“立即推送”即可补发今天的课。`;
