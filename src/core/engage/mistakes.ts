import type { ChatContext } from '../bot/context.ts';
import { rightAnswer } from '../bot/texts.ts';

/** 我的错题 lists wrong answers of the last 30 days, at most 10. */
const mistakeDays = 30;
const mistakesShown = 10;

/**
 * 我的错题: a worker's own recent wrong answers with the right answer and the explanation, privately.
 * In a group it only says why not there: one person's mistakes are not for the whole team to read.
 */
export async function myMistakes(ctx: ChatContext): Promise<void> {
  const { store, clock, channel } = ctx.deps;
  if (ctx.inRoom) {
    return ctx.reply(
      channel.caps.privateMessages
        ? '错题是个人的学习记录，只在私聊里发，不在群里列出。请私聊我发送“我的错题”。'
        : '错题是个人的学习记录，不在群里列出；本群用的机器人收不到私聊，所以暂时查不了错题。',
    );
  }
  const wid = await ctx.wid();
  const found = await store.mistakes(wid, clock.now() - mistakeDays * 86_400_000, mistakesShown);
  const lines = [`【我的错题】近 ${mistakeDays} 天${found.length ? `最近 ${found.length} 道` : ''}`];
  for (const m of found) {
    const lesson = await store.snapshot(m.hash);
    const q = lesson?.quiz[m.question];
    if (!lesson || !q) continue;
    lines.push('', `${Number(m.day.slice(5, 7))}月${Number(m.day.slice(8))}日《${lesson.title}》${q.question}`, `你的答案：${m.choice}；正确答案：${rightAnswer(q)}`, `解析：${q.explain.trim()}`);
  }
  if (lines.length === 1) lines.push(`近 ${mistakeDays} 天没有答错的题，继续保持 👍`);
  ctx.reply(lines.join('\n'));
}
