import { afterEach, describe, expect, test } from 'vitest';
import { createApp, type App } from '../../src/app/compose.ts';
import type { Config } from '../../src/config/config.ts';
import { runFor } from '../helpers/answerPage.ts';
import { newPrefix, redisUrl } from '../helpers/redis.ts';
import { silentLog, testConfig } from '../helpers/sim.ts';
import { startWebhookServer, type WebhookServer } from '../helpers/wecomWebhookServer.ts';

/**
 * A send-only webhook channel hears no 报名, so its groups are enrolled as the settings list them, at
 * start-up (README "Real groups → WeCom group robot webhook"), through the real adapter and a local server.
 */
const team = '江都区总工会/江都机械有限公司/总装车间/总装车间一班';
type Listed = Config['channel']['wecomWebhook']['groups'];

let server: WebhookServer | undefined;
const apps: App[] = [];
afterEach(async () => {
  for (const app of apps.splice(0)) await app.stop();
  await server?.close();
  server = undefined;
});

async function start(prefix: string, clock: { now: () => number }, groups: Listed): Promise<App> {
  const config = testConfig((c) => {
    c.channel.type = 'wecom-webhook';
    c.channel.wecomWebhook = { baseUrl: server!.baseUrl, timeoutSeconds: 5, groups };
    c.web.publicUrl = 'https://banqian.example.cn';
  });
  const app = await createApp({ config, clock, redisUrl: redisUrl(), prefix, log: silentLog });
  apps.push(app);
  return app;
}

describe('webhook groups enrolled from the settings', () => {
  test('a listed group with track and time is enrolled, bound to its team, and gets its lesson; a change applies at the next start; without track and time it is unenrolled', async () => {
    server = await startWebhookServer(['k1', 'k2']);
    const clock = { t: Date.parse('2026-12-07T07:00:00+08:00'), now: () => clock.t };
    const prefix = newPrefix();
    const app = await start(prefix, clock, [
      { name: '总装车间一班', key: 'k1', track: 'demo', time: '7:50', team: '总装车间一班' },
      { name: '机加车间二班', key: 'k2' },
    ]);
    const [g] = await app.store.activeGroups();
    expect(g).toMatchObject({ roomId: '总装车间一班', topic: '总装车间一班', track: 'demo', time: '07:50', status: 'active', team });
    expect(await app.store.activeGroups()).toHaveLength(1);
    await runFor(app, clock, 51 * 60_000);
    const pushed = server.received.filter((r) => r.key === 'k1').map((r) => JSON.stringify(r.body));
    expect(pushed.join('\n')).toContain('https://banqian.example.cn/q/');
    expect(server.received.filter((r) => r.key === 'k2')).toEqual([]);
    await app.stop();
    apps.pop();

    // Restarted with another time: the same group (its history kept), the new time.
    const again = await start(prefix, clock, [{ name: '总装车间一班', key: 'k1', track: 'demo', time: '08:10' }]);
    expect(await again.store.activeGroups()).toEqual([expect.objectContaining({ gid: g.gid, time: '08:10', team, current: '2026-12-07' })]);
    await again.stop();
    apps.pop();

    const gone = await start(prefix, clock, [{ name: '总装车间一班', key: 'k1' }]);
    expect(await gone.store.getGroup(g.gid)).toMatchObject({ status: 'left', track: 'demo' });
  });

  test('a bad entry stops start-up with one Chinese line per problem, and changes nothing', async () => {
    server = await startWebhookServer(['k1', 'k2']);
    const clock = { t: Date.parse('2026-12-07T07:00:00+08:00'), now: () => clock.t };
    const prefix = newPrefix();
    const bad = start(prefix, clock, [
      { name: '总装车间一班', key: 'k1', track: 'demo', time: '07:50' },
      { name: '机加车间二班', key: 'k2', track: 'nosuch', time: '07:50', team: '总装车间' },
      { name: '三班', key: 'k2', track: 'demo' },
    ]);
    await expect(bad).rejects.toThrow(/群“机加车间二班”：没有课程“nosuch”.*\n群“机加车间二班”：“总装车间”不是班组.*\n群“三班”：课程（track）和时间（time）要一起写/s);
    const app = await start(prefix, clock, []);
    expect(await app.store.activeGroups()).toEqual([]);
  });
});
