import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import { dashboardOptions } from '../../src/app/dashboard.ts';
import { openStats } from '../../src/app/stats.ts';
import { buildApp } from '../../src/adapters/web/app.ts';
import { hashPassword } from '../../src/config/officers.ts';
import { redisTest, redisUrl } from '../helpers/redis.ts';
import { statsConfig } from '../stats/seed.ts';

const password = 'correct horse 1';
const team = '江都区总工会/江都机械有限公司/总装车间/总装车间一班';
const officers = [{ name: '厂干部', scope: '江都区总工会/江都机械有限公司', password: hashPassword(password) }];

/** The dashboard as `start` builds it (dashboardOptions), with one officer scoped to a company. */
function dashboardFor(prefix: string) {
  const now = Date.parse('2026-12-08T18:00:00+08:00');
  const { stats, store, roster, close } = openStats(statsConfig(), redisUrl(), prefix);
  const config = { ...statsConfig(), dataDir: mkdtempSync(join(tmpdir(), 'banqian-data-')) };
  const options = { ...dashboardOptions(config, stats, store, () => now), officers: () => officers };
  const app = buildApp({ dashboard: options });
  const cookies = async () => {
    const res = await app.inject({ method: 'POST', url: '/api/login', payload: { name: '厂干部', password } });
    return { bq_session: res.cookies.find((c) => c.name === 'bq_session')!.value };
  };
  return { app, roster, now, cookies, close: async () => (await app.close(), close()) };
}

describe('enrolment codes on the dashboard', () => {
  redisTest('an officer issues a code for a team in their scope; anything else is refused', async ({ prefix }) => {
    const d = dashboardFor(prefix);
    try {
      const post = (body: object, cookies?: Record<string, string>) => d.app.inject({ method: 'POST', url: '/api/team-code', payload: body, cookies });
      expect((await post({ team })).statusCode).toBe(401);
      const cookies = await d.cookies();
      const ok = await post({ team: '总装车间一班' }, cookies);
      expect(ok.statusCode).toBe(200);
      const body = ok.json() as { code: string; team: string; expiresAt: string; text: string };
      expect(body).toMatchObject({ code: expect.stringMatching(/^\d{6}$/), team, expiresAt: new Date(d.now + 7 * 86_400_000).toISOString() });
      expect(body.text).toContain(`报名码：${body.code}（${team}，2026-12-15 18:00 前有效，只能用一次）`);
      expect(await d.roster.use(body.code, 1, 1, d.now)).toEqual({ kind: 'ok', team });

      const outside = await post({ team: '织造车间甲班' }, cookies);
      expect([outside.statusCode, outside.json()]).toEqual([403, { error: '无权查看该范围' }]);
      const workshop = await post({ team: '总装车间' }, cookies);
      expect([workshop.statusCode, workshop.json().error]).toEqual([400, '“总装车间”不是班组，报名码只能发给班组（组织架构最末一级）']);
      expect((await post({}, cookies)).statusCode).toBe(400);

      // The page shows the button only on a team's page.
      const overview = async (org: string) => (await d.app.inject({ url: `/api/overview?org=${encodeURIComponent(org)}`, cookies })).json().enrolable;
      expect([await overview('总装车间一班'), await overview('总装车间')]).toEqual([true, false]);
    } finally {
      await d.close();
    }
  });
});
