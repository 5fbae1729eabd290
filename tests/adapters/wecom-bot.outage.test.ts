import { afterEach, describe, expect, test, vi } from 'vitest';
import { createApp, type App } from '../../src/app/compose.ts';
import { runFor } from '../helpers/answerPage.ts';
import { newPrefix, redisUrl } from '../helpers/redis.ts';
import { silentLog, testConfig } from '../helpers/sim.ts';
import { WecomServer } from '../../src/app/sim/wecomServer.ts';

/**
 * The whole bot on the WeCom smart robot, against the local protocol server: a channel that is down when the
 * day's push is due keeps the push claimed, and sends it once when the connection is back (README "Real groups":
 * a message refused while the channel is down waits in the queue).
 */
const chat = 'wrkSFfCgAA-chat1';
let app: App | undefined;
let srv: WecomServer | undefined;
afterEach(async () => {
  await app?.stop();
  await srv?.close();
  app = srv = undefined;
});

describe('WeCom smart robot: an outage at push time', () => {
  test('the push is claimed while the connection is down, and the lesson and its cards arrive once when it is back', async () => {
    srv = await WecomServer.start();
    const clock = { t: Date.parse('2026-12-07T07:45:00+08:00'), now: () => clock.t };
    const config = testConfig((c) => {
      c.channel.type = 'wecom-bot';
      c.channel.wecomBot = { botId: srv!.botId, secret: srv!.secret, wsUrl: srv!.url, perMinute: 20 };
      c.leaders = ['zhangsan'];
    });
    app = await createApp({ config, clock, redisUrl: redisUrl(), prefix: newPrefix(), log: silentLog });
    const up = () => expect(app!.status()).toEqual({ up: true });
    await vi.waitFor(() => expect(srv!.connections).toBe(1), { timeout: 5_000 });
    srv.text('zhangsan', '@班前小助手 报名 demo 07:50', chat);
    await vi.waitFor(async () => expect(await app!.store.activeGroups()).toHaveLength(1), { timeout: 5_000 });
    await runFor(app, clock, 60_000);

    srv.down();
    await vi.waitFor(() => expect(app!.status().up).toBe(false), { timeout: 5_000 });
    const before = srv.frames('aibot_send_msg').length;
    await runFor(app, clock, 10 * 60_000);
    const [g] = await app.store.activeGroups();
    // Claimed at 07:50, its first message begun but nothing sent: every try found the connection down.
    expect(await app.store.getPush(g.gid, '2026-12-07')).toMatchObject({ status: 'sending', next: 0 });
    expect(srv.frames('aibot_send_msg').length).toBe(before);

    srv.up();
    await vi.waitFor(up, { timeout: 10_000 });
    await runFor(app, clock, 10 * 60_000);
    const bodies = srv.frames('aibot_send_msg').slice(before).map((f) => f.body);
    const lessons = bodies.filter((b) => b.msgtype === 'markdown' && b.markdown.content.includes('第一课'));
    const cards = bodies.filter((b) => b.msgtype === 'template_card');
    expect(lessons).toHaveLength(1);
    expect(cards.map((c) => c.template_card.task_id)).toEqual([expect.stringContaining('lesson')]);
    expect(bodies.every((b) => b.chatid === chat)).toBe(true);
    expect(await app.store.getPush(g.gid, '2026-12-07')).toMatchObject({ status: 'sent' });
  });
});
