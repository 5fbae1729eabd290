import { test } from 'vitest';
import { answerLinkFor, createApp, type App } from '../../src/app/compose.ts';
import { seededRandom } from '../../src/app/simulate.ts';
import { buildApp } from '../../src/adapters/web/app.ts';
import { newPrefix, redisUrl } from './redis.ts';
import { silentLog, testConfig } from './sim.ts';

export const publicUrl = 'https://banqian.example.cn';

/**
 * A bot whose quizzes carry an answer-page link (as on a channel that hears nothing), with 班组1 enrolled
 * and today's first lesson (one question, answer B, 120 minutes) just sent. The simulated WeChat is only
 * used to enrol and to see what the bot posts; answers go through the page.
 */
export async function pushedWithLink() {
  const clock = { t: Date.parse('2026-12-07T07:00:00+08:00'), now: () => clock.t };
  const sent: { room: string; text: string }[] = [];
  const config = testConfig((c) => (c.web.publicUrl = publicUrl));
  const app = await createApp({
    config, clock, redisUrl: redisUrl(), prefix: newPrefix(), log: silentLog, random: seededRandom(1),
    onSent: (t, m) => sent.push({ room: t.label, text: m.kind === 'text' ? m.text : '' }),
  });
  app.bot.deps.answerLink = answerLinkFor('none', publicUrl, app.answers);
  app.world!.addRoom({ topic: '班组1', owner: '班长1', members: ['李明', '王芳'] });
  app.world!.say('班长1', '报名 demo 07:50', '班组1');
  await app.chat.idle();
  app.world!.say('班长1', '立即推送', '班组1');
  await app.chat.idle();
  await runFor(app, clock, 20_000);
  const link = /https:\/\/banqian\.example\.cn(\/q\/[\w-]+)/.exec(sent.map((s) => s.text).join('\n'));
  if (!link) throw new Error(`no answer link in: ${JSON.stringify(sent)}`);
  const web = buildApp({ answers: app.answers });
  return { app, clock, sent, path: link[1], token: link[1].slice(3), web };
}

/** Moves the virtual clock on, sending and ticking as the real driver would. */
export async function runFor(app: App, clock: { t: number }, ms: number): Promise<void> {
  const end = clock.t + ms;
  while (clock.t < end) {
    if (clock.t % 60_000 === 0) await app.tick();
    await app.pump();
    await app.chat.idle();
    clock.t += 1000;
  }
}

/** A test with `pushedWithLink()` ready, closed afterwards. */
export const linkTest = test.extend<{ linked: Awaited<ReturnType<typeof pushedWithLink>> }>({
  linked: async ({}, use) => {
    const linked = await pushedWithLink();
    try {
      await use(linked);
    } finally {
      await linked.web.close();
      await linked.app.stop();
    }
  },
});
