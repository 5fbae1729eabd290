import { describe, expect, test } from 'vitest';
import { answerLinkFor } from '../../src/app/compose.ts';
import { linkTest, runFor } from '../helpers/answerPage.ts';

const answer = (member: string, answers: string[]) => ({ method: 'POST' as const, headers: { 'content-type': 'application/json' }, payload: { member, answers } });

describe('the answer page for channels that hear nothing', () => {
  linkTest('the quiz message carries an unguessable link instead of "reply in the group"', async ({ linked: { app, sent, token, web } }) => {
    const quiz = sent.find((s) => s.text.includes('【今日小测】'))!.text;
    expect(quiz).toContain(`120 分钟内点开链接答题，以第一次提交为准：https://banqian.example.cn/q/${token}`);
    expect(quiz).not.toContain('在群里直接回复');
    expect(token).toMatch(/^[\w-]{32}$/);
    // The link is kept with a time to live, so old links stop working on their own.
    const ttl = await app.redis.ttl(app.store.keys.answerToken(token));
    expect(ttl).toBeGreaterThan(6 * 24 * 3600);
    // One character off is another, unknown token.
    const nearMiss = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
    expect((await web.inject(`/api/q/${nearMiss}`)).statusCode).toBe(404);
  });

  linkTest('the page and its data: the quiz without its answers, the roster, 404 for an unknown link', async ({ linked: { path, token, web } }) => {
    const page = await web.inject(path);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('/q/assets/answer.js');
    expect((await web.inject('/q/assets/answer.js')).statusCode).toBe(200);
    const view = await web.inject(`/api/q/${token}`);
    expect(view.headers['cache-control']).toBe('no-store');
    expect(view.json()).toEqual({
      group: '班组1', title: '第一课', closed: false, members: [],
      questions: [{ question: '检修前先做什么？', options: ['直接干', '断电上锁', '喊一声'], multi: false }],
    });
    const unknown = await web.inject('/api/q/abcdefghijklmnopqrstuvwxyz012345');
    expect([unknown.statusCode, unknown.json().error]).toEqual([404, '这个答题链接无效或已过期，请看群里最新的消息']);
    expect((await web.inject('/api/q/..%2F..')).statusCode).toBe(404);
  });

  linkTest('first answer counts, the group hears nothing about right or wrong until the close, then the summary counts it', async ({ linked: { app, clock, sent, token, web } }) => {
    const gid = (await app.store.activeGroups())[0].gid;
    // No roster yet and nobody known: a typed id is taken as it is.
    const first = await web.inject({ url: `/api/q/${token}/answer`, ...answer('李明', ['B']) });
    expect(first.json()).toEqual({ status: 'recorded', message: '已提交！答案和解析在答题结束后公布在群里。' });
    const again = await web.inject({ url: `/api/q/${token}/answer`, ...answer('李明', ['A']) });
    expect(again.json()).toEqual({ status: 'duplicate', message: '你已经提交过了，以第一次提交为准。' });
    // Now the group knows 李明: the page lists him, and an id nobody knows is refused.
    expect((await web.inject(`/api/q/${token}`)).json().members).toEqual([{ id: '李明', name: '李明' }]);
    const stranger = await web.inject({ url: `/api/q/${token}/answer`, ...answer('9527', ['B']) });
    expect([stranger.statusCode, stranger.json().error]).toEqual([400, '名单里没有编号“9527”，请从名单里选择姓名，或联系班长']);
    const [li] = await app.store.members(gid);
    expect(await app.store.firstAnswers(gid, '2026-12-07')).toEqual({ [`${li.wid}:0`]: 'B|1|1' });
    // Hidden until the close: nothing about right or wrong reaches the group or the page.
    await runFor(app, clock, 60 * 60_000);
    expect(sent.filter((s) => s.text.includes('正确答案'))).toEqual([]);
    expect(JSON.stringify((await web.inject(`/api/q/${token}`)).json())).not.toMatch(/answer|explain|correct/);
    // The close: the summary counts the first answer (B, right), not the second.
    await runFor(app, clock, 61 * 60_000);
    const summary = sent.find((s) => s.text.startsWith('【小测揭晓】'))!.text;
    expect(summary).toMatch(/参与：1\/\d+ 人.*全部答对 1 人。\n👏 最先全对：李明/s);
    expect(summary).toContain('没赶上的同事，下一课推送前点开小测的答题链接提交，仍记为补学。');
    expect(await app.store.getPush(gid, '2026-12-07')).toMatchObject({ answered: 1, correct: 1, late: 0 });
  });

  linkTest('after the close the page says so, and an answer counts as late (补学)', async ({ linked: { app, clock, token, web } }) => {
    const gid = (await app.store.activeGroups())[0].gid;
    await runFor(app, clock, 121 * 60_000);
    expect((await app.store.getPush(gid, '2026-12-07'))!.status).toBe('closed');
    expect((await web.inject(`/api/q/${token}`)).json().closed).toBe(true);
    const late = await web.inject({ url: `/api/q/${token}/answer`, ...answer('李明', ['B']) });
    expect(late.json()).toEqual({ status: 'late', message: '已提交，记为补学（答题时间已过）。' });
    expect(await app.store.getPush(gid, '2026-12-07')).toMatchObject({ answered: 0, late: 1 });
    expect((await web.inject({ url: `/api/q/${token}/answer`, ...answer('李明', ['A']) })).json().status).toBe('duplicate');
  });

  linkTest('a bad sheet is refused in Chinese and records nothing', async ({ linked: { app, token, web } }) => {
    const cases: [string[], string][] = [
      [['BC'], '请每道题都选择答案（单选题只能选一个）'],
      [['D'], '请每道题都选择答案（单选题只能选一个）'],
      [['B', 'A'], '请每道题都选择答案（单选题只能选一个）'],
      [['b'], '答案格式不正确'],
    ];
    for (const [answers, error] of cases) {
      const r = await web.inject({ url: `/api/q/${token}/answer`, ...answer('李明', answers) });
      expect([r.statusCode, r.json().error]).toEqual([400, error]);
    }
    expect(await app.store.members((await app.store.activeGroups())[0].gid)).toEqual([]);
  });

  test('a channel that hears nothing needs web.publicUrl; others get no link', () => {
    const page = {} as Parameters<typeof answerLinkFor>[2];
    expect(() => answerLinkFor('none', '', page)).toThrow('web.publicUrl');
    expect(answerLinkFor('mentions', 'https://x.cn', page)).toBeUndefined();
  });
});
