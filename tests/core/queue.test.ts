import { describe, expect, test } from 'vitest';
import { text } from '../../src/core/messages.ts';
import { accountsNeeded, latestLateness, planWave } from '../../src/core/schedule/plan.ts';
import { SendError } from '../../src/core/channel.ts';
import { SendQueue, secondsPerBatch, type SendFailure, type Target } from '../../src/core/send/queue.ts';

const room = (id: string): Target => ({ kind: 'room', id, label: id });

/** Runs the queue on a virtual clock until it is empty; returns [time, target, text] per send. */
async function drain(q: SendQueue, start = 0) {
  let now = start;
  const sent: [number, string, string][] = [];
  for (let at = q.nextAt(); at !== undefined; at = q.nextAt()) {
    now = Math.max(now, at);
    await q.pump(() => now, async (t, m) => void sent.push([now, t.id, m.kind === 'text' ? m.text : '']), () => {});
  }
  return sent;
}

describe('send queue', () => {
  test('keeps to the rate within a room and pauses 3–8 s between rooms', async () => {
    const q = new SendQueue({ perMinute: 20, roomGapSeconds: [3, 8] }, () => 0.5);
    q.enqueue({ target: room('a'), messages: [text('a1'), text('a2')], priority: 'lesson' });
    q.enqueue({ target: room('b'), messages: [text('b1')], priority: 'lesson' });
    q.enqueue({ target: room('a'), messages: [text('a3')], priority: 'lesson' });
    const sent = await drain(q, 100_000);
    expect(sent.map(([t, r, m]) => [t - sent[0][0], r, m])).toEqual([
      [0, 'a', 'a1'],
      [3000, 'a', 'a2'],
      [8500, 'b', 'b1'], // room switch: 5.5 s gap with random 0.5
      [14000, 'a', 'a3'],
    ]);
  });

  test('where each group has its own rate (a webhook key per group), one group waits for its own interval only', async () => {
    const q = new SendQueue({ perMinute: 2, per: 'group', roomGapSeconds: [1, 1] });
    q.enqueue({ target: room('a'), messages: [text('a1'), text('a2')], priority: 'lesson' });
    q.enqueue({ target: room('b'), messages: [text('b1'), text('b2')], priority: 'lesson' });
    const sent = await drain(q);
    // a2 waits 30 s for a's rate; b1 goes 1 s (the gap between chats) after it, b2 30 s after b1.
    expect(sent.map(([t, , m]) => [t, m])).toEqual([[0, 'a1'], [30_000, 'a2'], [31_000, 'b1'], [61_000, 'b2']]);
    const perAccount = new SendQueue({ perMinute: 2, roomGapSeconds: [1, 1] });
    perAccount.enqueue({ target: room('a'), messages: [text('a1')], priority: 'lesson' });
    perAccount.enqueue({ target: room('b'), messages: [text('b1')], priority: 'lesson' });
    expect((await drain(perAccount)).map(([t]) => t)).toEqual([0, 30_000]);
  });

  test('never more than perMinute messages in any 60 s', async () => {
    const q = new SendQueue({ perMinute: 20, roomGapSeconds: [0, 0] });
    for (let i = 0; i < 100; i++) q.enqueue({ target: room('a'), messages: [text(String(i))], priority: 'lesson' });
    const times = (await drain(q)).map(([t]) => t);
    for (let i = 20; i < times.length; i++) expect(times[i] - times[i - 20]).toBeGreaterThanOrEqual(60_000);
  });

  test('replies go first, then lessons, then everything else, rankings last; a batch whose claim is lost is dropped; hooks see the send times', async () => {
    const q = new SendQueue({ perMinute: 60, roomGapSeconds: [0, 0] });
    const events: string[] = [];
    q.enqueue({ target: room('e'), messages: [text('ranking')], priority: 'ranking' });
    q.enqueue({ target: room('d'), messages: [text('summary')], priority: 'other' });
    q.enqueue({ target: room('a'), messages: [text('lesson-a')], priority: 'lesson', afterLast: async (at) => void events.push(`a done at ${at}`) });
    q.enqueue({ target: room('b'), messages: [text('lesson-b')], priority: 'lesson', beforeEach: async () => false });
    q.enqueue({ target: room('c'), messages: [text('reply')], priority: 'reply' });
    expect(q.pending('lesson')).toBe(2);
    const sent = await drain(q, 10_000);
    expect(sent.map(([, , m]) => m)).toEqual(['reply', 'lesson-a', 'summary', 'ranking']);
    expect(events).toEqual(['a done at 11000']);
    expect(q.pending('lesson')).toBe(0);
  });

  test('a resumed batch starts at its first unsent message; progress is reported per message; a key is queued once', async () => {
    const q = new SendQueue({ perMinute: 60, roomGapSeconds: [0, 0] });
    const progress: number[] = [];
    const batch = { target: room('a'), messages: [text('1'), text('2'), text('3')], priority: 'lesson' as const, key: 'push:a', start: 1, afterEach: async (i: number) => void progress.push(i) };
    q.enqueue(batch);
    q.enqueue(batch); // e.g. adopted again by the next tick while it waits
    q.enqueue({ ...batch, key: 'push:done', start: 3 }); // every message already went out: nothing to queue
    expect(q.size).toBe(1);
    expect((await drain(q)).map(([, , m]) => m)).toEqual(['2', '3']);
    expect(progress).toEqual([1, 2]);
    q.enqueue(batch); // once sent, the same key may be queued again
    expect(q.size).toBe(1);
  });

  test('a batch stops where its claim was taken over by another instance', async () => {
    const q = new SendQueue({ perMinute: 60, roomGapSeconds: [0, 0] });
    q.enqueue({ target: room('a'), messages: [text('1'), text('2'), text('3')], priority: 'lesson', beforeEach: async (i) => i < 1 });
    q.enqueue({ target: room('b'), messages: [text('b')], priority: 'lesson' });
    expect((await drain(q)).map(([, , m]) => m)).toEqual(['1', 'b']);
  });

  test('two pumps at once send each message once', async () => {
    const q = new SendQueue({ perMinute: 6000, roomGapSeconds: [0, 0] });
    for (let i = 0; i < 5; i++) q.enqueue({ target: room('a'), messages: [text(String(i))], priority: 'lesson' });
    const sent: string[] = [];
    const send = async (_t: Target, m: { kind: string; text?: string }) => {
      await new Promise((r) => setTimeout(r, 1));
      sent.push(m.text ?? '');
    };
    let t = 0;
    const now = () => (t += 1000);
    await Promise.all([q.pump(now, send, () => {}), q.pump(now, send, () => {})]);
    expect(sent).toEqual(['0', '1', '2', '3', '4']);
  });

  test('a failed send is reported, not retried, and the queue goes on', async () => {
    const q = new SendQueue({ perMinute: 60, roomGapSeconds: [0, 0] });
    q.enqueue({ target: room('a'), messages: [text('1'), text('2')], priority: 'lesson' });
    const errors: string[] = [];
    const sent: string[] = [];
    let now = 0;
    for (let at = q.nextAt(); at !== undefined; at = q.nextAt()) {
      now = Math.max(now, at);
      await q.pump(() => now, async (_t, m) => {
        if (m.kind === 'text' && m.text === '1') throw new Error('风控');
        sent.push(m.kind === 'text' ? m.text : '');
      }, (err) => errors.push(String(err)));
    }
    expect(errors).toEqual(['Error: 风控']);
    expect(sent).toEqual(['2']);
  });

  /** Drains the queue with a send that fails as `fail` says (by message text and attempt); records every attempt. */
  async function drainFailing(q: SendQueue, fail: (text: string, attempt: number) => Error | undefined) {
    const attempts = new Map<string, number>();
    const log: [number, string, string][] = [];
    const reports: [string, SendFailure][] = [];
    let now = 0;
    for (let at = q.nextAt(); at !== undefined; at = q.nextAt()) {
      now = Math.max(now, at);
      await q.pump(() => now, async (_t, m) => {
        const t = m.kind === 'text' ? m.text : '';
        const n = (attempts.get(t) ?? 0) + 1;
        attempts.set(t, n);
        const err = fail(t, n);
        log.push([now, t, err ? 'failed' : 'sent']);
        if (err) throw err;
      }, (err, _t, failure) => reports.push([(err as Error).message, failure]));
    }
    return { log, reports };
  }

  test('a rate-limited message is sent again after the backoff the platform asks for, before the next one, reported once', async () => {
    const q = new SendQueue({ perMinute: 60, roomGapSeconds: [0, 0] });
    q.enqueue({ target: room('a'), messages: [text('1'), text('2')], priority: 'lesson' });
    const { log, reports } = await drainFailing(q, (t, n) => (t === '1' && n <= 2 ? new SendError('45009 api freq out of limit', 'rate-limited', 60_000) : undefined));
    expect(log).toEqual([
      [0, '1', 'failed'],
      [60_000, '1', 'failed'],
      [120_000, '1', 'sent'],
      [121_000, '2', 'sent'],
    ]);
    expect(reports).toEqual([['45009 api freq out of limit', 'retry']]);
  });

  test('a rate limit holds only what shares it: one group where each has its own key, the whole account otherwise', async () => {
    const limited = (t: string, n: number) => (t === 'a1' && n === 1 ? new SendError('45009 api freq out of limit', 'rate-limited', 60_000) : undefined);
    const fill = (q: SendQueue) => {
      q.enqueue({ target: room('a'), messages: [text('a1'), text('a2')], priority: 'lesson' });
      q.enqueue({ target: room('b'), messages: [text('b1'), text('b2')], priority: 'lesson' });
      q.enqueue({ target: room('a'), messages: [text('a3')], priority: 'lesson' });
    };
    const perGroup = new SendQueue({ perMinute: 60, per: 'group', roomGapSeconds: [0, 0] });
    fill(perGroup);
    const { log, reports } = await drainFailing(perGroup, limited);
    // b goes on while a waits its minute; a's later batch keeps behind a's held one.
    expect(log).toEqual([
      [0, 'a1', 'failed'],
      [0, 'b1', 'sent'],
      [1_000, 'b2', 'sent'],
      [60_000, 'a1', 'sent'],
      [61_000, 'a2', 'sent'],
      [62_000, 'a3', 'sent'],
    ]);
    expect(reports).toEqual([['45009 api freq out of limit', 'retry']]);
    const perAccount = new SendQueue({ perMinute: 60, roomGapSeconds: [0, 0] });
    fill(perAccount);
    expect((await drainFailing(perAccount, limited)).log).toEqual([
      [0, 'a1', 'failed'],
      [60_000, 'a1', 'sent'],
      [61_000, 'a2', 'sent'],
      [62_000, 'b1', 'sent'],
      [63_000, 'b2', 'sent'],
      [64_000, 'a3', 'sent'],
    ]);
  });

  test('a retryable error backs off doubling, never drops the message, and the claim is checked once per message', async () => {
    const q = new SendQueue({ perMinute: 60, roomGapSeconds: [0, 0] });
    const checked: number[] = [];
    const done: number[] = [];
    q.enqueue({
      target: room('a'), messages: [text('1')], priority: 'lesson',
      beforeEach: async (i) => checked.push(i) > 0,
      afterEach: async (i) => void done.push(i),
    });
    const { log } = await drainFailing(q, (_t, n) => (n <= 3 ? new SendError('network', 'retryable') : undefined));
    expect(log.map(([at, , r]) => [at, r])).toEqual([[0, 'failed'], [5_000, 'failed'], [15_000, 'failed'], [35_000, 'sent']]);
    expect(checked).toEqual([0]);
    expect(done).toEqual([0]);
  });

  test('an unknown outcome is reported once and not retried; a fatal one is reported and dropped', async () => {
    const q = new SendQueue({ perMinute: 60, roomGapSeconds: [0, 0] });
    q.enqueue({ target: room('a'), messages: [text('1'), text('2'), text('3')], priority: 'lesson' });
    const { log, reports } = await drainFailing(q, (t) =>
      t === '1' ? new SendError('timeout', 'unknown') : t === '2' ? new SendError('bad key', 'fatal') : undefined,
    );
    expect(log.map(([, t, r]) => [t, r])).toEqual([['1', 'failed'], ['2', 'failed'], ['3', 'sent']]);
    expect(reports).toEqual([['timeout', 'unknown'], ['bad key', 'dropped']]);
  });

  test('a batch waits for its planned start', async () => {
    const q = new SendQueue({ perMinute: 20, roomGapSeconds: [3, 8] });
    q.enqueue({ target: room('a'), messages: [text('x')], priority: 'lesson', notBefore: 50_000 });
    expect(q.nextAt()).toBe(50_000);
  });
});

describe('wave planning', () => {
  test('a crowded minute starts early enough for all to arrive by their time, latest first', () => {
    const pushes = [1, 2, 3].map((gid) => ({ gid, due: 600_000, seconds: 10 }));
    const late = { gid: 4, due: 660_000, seconds: 10 };
    const slots = planWave([...pushes, late], { maxLeadMs: 3_600_000 });
    expect(slots.get(late)).toEqual({ notBefore: 650_000, start: 650_000, finish: 660_000, held: false });
    expect(pushes.map((p) => slots.get(p)!.start).sort()).toEqual([570_000, 580_000, 590_000]);
    expect(latestLateness(slots)).toBe(0);
  });

  test('leads are capped, and the plan says how late the wave then runs', () => {
    const pushes = Array.from({ length: 100 }, (_, gid) => ({ gid, due: 10_000_000, seconds: 60 }));
    const slots = planWave(pushes, { maxLeadMs: 600_000 });
    const starts = [...slots.values()].map((s) => s.start);
    expect(Math.min(...starts)).toBe(10_000_000 - 600_000);
    // One after another from the capped start: 100 minutes of sending, 10 of them before the time.
    expect(Math.max(...starts)).toBe(10_000_000 - 600_000 + 99 * 60_000);
    expect(latestLateness(slots)).toBe(90 * 60_000);
  });

  test('a push that would finish past the ceiling is held back and leaves its room to the next', () => {
    const pushes = Array.from({ length: 5 }, (_, gid) => ({ gid, due: 600_000, seconds: 60 }));
    // The queue is busy until 9:00: two pushes fit before 10:00 + 1 min, the others would be later.
    const slots = planWave(pushes, { maxLeadMs: 600_000, from: 540_000, ceilingMs: 60_000 });
    expect(pushes.map((p) => slots.get(p)!.held)).toEqual([false, false, true, true, true]);
    expect(pushes.map((p) => slots.get(p)!.finish)).toEqual([600_000, 660_000, 720_000, 720_000, 720_000]);
  });

  test('how many accounts a wave needs to be on time', () => {
    // 60 pushes of 6 s each due at one minute with a 1-minute lead: 10 fit one account.
    const pushes = Array.from({ length: 60 }, (_, gid) => ({ gid, due: 600_000, seconds: 6 }));
    expect(accountsNeeded(pushes, 60_000)).toBe(6);
    expect(accountsNeeded(pushes.slice(0, 10), 60_000)).toBe(1);
  });

  test('seconds per push follow the pace', () => {
    expect(secondsPerBatch({ perMinute: 20, roomGapSeconds: [3, 8] }, 1)).toBe(5.5);
    expect(secondsPerBatch({ perMinute: 20, roomGapSeconds: [3, 8] }, 3)).toBe(11.5);
    expect(secondsPerBatch({ perMinute: 10, roomGapSeconds: [0, 2] }, 1)).toBe(6);
  });
});
