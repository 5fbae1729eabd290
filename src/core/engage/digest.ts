import type { ChatContext } from '../bot/context.ts';
import type { BotDeps } from '../bot/deps.ts';
import { describeDay, percent } from '../bot/texts.ts';
import type { LessonSnapshot } from '../lessons/snapshot.ts';
import type { Group, Push } from '../ports.ts';
import { sourceLabels } from '../quiz/participants.ts';
import { rollOf } from '../quiz/roll.ts';
import { readFirst } from '../stats.ts';
import { featureOn } from './features.ts';
import type { EngagementHook } from './hooks.ts';
import { sendPrivately } from './send.ts';
import { groupLabel, leaderMayTurnOn, parseSwitch, setSwitch, switchedOffByUnion } from './switch.ts';

/** After each lesson quiz closes, the group's leaders get a private summary, where they turned it on (`日报 开`). */
export function digestHook(deps: BotDeps): EngagementHook {
  return {
    name: 'digest',
    async afterClose(g, push) {
      if (push.kind !== 'lesson' || !featureOn('digest', g, deps.settings.engagement)) return;
      const message = await renderDigest(deps, g, push);
      for (const wid of await deps.store.leaders(g.gid)) {
        const sent = await sendPrivately(deps, wid, `digest:${g.gid}:${push.day}:${push.kind}:${wid}`, message);
        if (sent !== 'sent') deps.log.info({ gid: g.gid, wid, sent }, 'digest not sent to a leader');
      }
    },
  };
}

export async function renderDigest(deps: BotDeps, g: Group, push: Push): Promise<string> {
  const [roll, lesson] = await Promise.all([rollOf(deps, g, push.day), deps.store.snapshot(push.lessonHash)]);
  const expected = push.expected ?? roll.expected.count;
  const source = sourceLabels[(push.expectedSource as keyof typeof sourceLabels) ?? roll.expected.source] ?? '';
  const lines = [
    `【班长日报】${groupLabel(g)} ${describeDay(push.day)}${lesson ? `《${lesson.title}》` : ''}`,
    `参与：${push.answered}/${expected} 人（${percent(push.answered, expected)}${source ? `，${source}` : ''}），全部答对 ${push.correct} 人`,
  ];
  if (!roll.missing) lines.push('未作答：无，全员已作答 👍');
  else lines.push(roll.missingNames ? `未作答（${roll.missing} 人）：${roll.missingNames.join('、')}` : `未作答：${roll.missing} 人（没有花名册，列不出名字）`);
  lines.push(roll.late ? `补学（${roll.late} 人）：${roll.lateNames?.join('、') ?? `${roll.late} 人`}` : '补学：暂无');
  if (lesson) lines.push(mostMissed(lesson, await deps.store.firstAnswers(g.gid, push.day)));
  return lines.join('\n');
}

/** The question and wrong option chosen most often (first answers, on time or late); ties go to the earlier one. */
function mostMissed(lesson: LessonSnapshot, firsts: Record<string, string>): string {
  const counts = new Map<string, number>();
  for (const [field, value] of Object.entries(firsts)) {
    const a = readFirst(field, value);
    if (!a.correct) counts.set(`${a.question}|${a.choice}`, (counts.get(`${a.question}|${a.choice}`) ?? 0) + 1);
  }
  const [top] = [...counts].sort(([ka, a], [kb, b]) => b - a || ka.localeCompare(kb));
  if (!top) return '错得最多：没有人答错 👍';
  const [question, choice] = top[0].split('|');
  const q = lesson.quiz[Number(question)];
  if (!q) return '';
  const options = (letters: string) => [...letters].map((l) => `${l}“${q.options[l.charCodeAt(0) - 65] ?? ''}”`).join('');
  return `错得最多：第 ${Number(question) + 1} 题“${q.question}”，${top[1]} 人选了 ${options(choice)}；正确答案 ${options(q.answer)}`;
}

/** 日报 开 · 日报 关 (and /digest on|off): the leader's private daily digest, off until turned on. */
export async function digestCommand(ctx: ChatContext, g: Group): Promise<void> {
  const { deps } = ctx;
  const turn = ctx.command!.args.length === 1 ? parseSwitch(ctx.command!.args[0]) : undefined;
  const usage = '用法：日报 开 · 日报 关（每课答题结束后，私聊发给班长：参与情况、未作答和补学的人、错得最多的选项）';
  if (!turn) return ctx.reply(`本群班长日报：${featureOn('digest', g, deps.settings.engagement) ? '开' : '关'}。\n${usage}`);
  if (turn === 'off') {
    await setSwitch(ctx, g, 'digest', 'off');
    return ctx.reply('已关闭班长日报。');
  }
  if (!leaderMayTurnOn('digest', g, deps.settings.engagement)) return ctx.reply(switchedOffByUnion('班长日报'));
  // A digest nobody can receive is not switched on: the leader would wait for it in vain.
  if (!deps.channel.caps.privateMessages) return ctx.reply('本平台的机器人不能私聊，日报发不出去，所以没有开启。可随时在群里发送“统计”查看本群情况。');
  await setSwitch(ctx, g, 'digest', 'on');
  ctx.reply('已开启班长日报：每课答题结束后私聊发给班长（参与情况、未作答和补学的人、错得最多的选项）。发送“日报 关”可关闭。');
}
