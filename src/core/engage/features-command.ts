import type { ChatContext } from '../bot/context.ts';
import type { Group } from '../ports.ts';
import { featureOn, type Feature } from './features.ts';
import { leaderMayTurnOn, parseSwitch, setSwitch, switchedOffByUnion } from './switch.ts';

/** The parts a leader switches per group, by the names leaders use. Reports and alerts are the officers'. */
const groupFeatures: { feature: Feature; name: string; own?: string }[] = [
  { feature: 'reminder', name: '提醒', own: '提醒 开' },
  { feature: 'digest', name: '日报', own: '日报 开' },
  { feature: 'review', name: '周复习' },
  { feature: 'repetition', name: '错题再练' },
  { feature: 'ranking', name: '班组PK' },
  { feature: 'star', name: '学习之星' },
  { feature: 'badges', name: '徽章' },
  { feature: 'leave', name: '请假' },
];

const usage = '用法：功能 周复习 关 · 功能 周复习 开（可选：' + groupFeatures.map((f) => f.name).join('、') + '）';

/**
 * "功能" lists the engagement features and whether each is on in this group; "功能 周复习 关" switches one.
 * Reminders and the digest keep their own commands, which check what the channel can send privately.
 */
export async function featuresCommand(ctx: ChatContext, g: Group): Promise<void> {
  const { settings } = ctx.deps;
  const [word, state, ...extra] = ctx.command!.args;
  if (!word) {
    const list = groupFeatures.map(({ feature, name }) => {
      const on = featureOn(feature, g, settings.engagement);
      return `${name} ${on ? '开' : leaderMayTurnOn(feature, g, settings.engagement) ? '关' : '关（工会设置）'}`;
    });
    return ctx.reply(`本群功能：${list.join('、')}。\n${usage}`);
  }
  const found = groupFeatures.find((f) => f.name === word || f.feature === word.toLowerCase());
  const turn = parseSwitch(state);
  if (!found || !turn || extra.length) return ctx.reply(`${found ? '' : `没有功能“${word}”。`}${usage}`);
  if (turn === 'on' && found.own) return ctx.reply(`开启${found.name}请发送“${found.own}”。`);
  if (turn === 'on' && !leaderMayTurnOn(found.feature, g, settings.engagement)) return ctx.reply(switchedOffByUnion(found.name));
  await setSwitch(ctx, g, found.feature, turn);
  ctx.reply(`好的，本群已${turn === 'on' ? '开启' : '关闭'}${found.name}。`);
}
