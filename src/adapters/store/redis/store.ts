import { createHash } from 'node:crypto';
import type { LessonSnapshot } from '../../../core/lessons/snapshot.ts';
import type { OutMessage } from '../../../core/messages.ts';
import type { AccountState, AnswerInput, AnswerOutcome, AnswerTarget, Group, RangeFigures, MemberStats, Mistake, MissedQuestion, OutboxItem, Push, PushPlan, QuizKind, QuizRef, Repetition, Store } from '../../../core/ports.ts';
import { repeatAfterDays } from '../../../core/engage/repetition.ts';
import { isoWeek, readFirst } from '../../../core/stats.ts';
import { dayOfEpoch, epochDay } from '../../../core/time.ts';
import type { Target } from '../../../core/send/queue.ts';
import { BoundedMap } from './bounded.ts';
import { keyBuilder, parsePushMember, pushMember, type Keys } from './keys.ts';
import type { ScriptedRedis } from './scripts.ts';
import { viaSentinel } from './connect.ts';

/** Group-hash fields that hold the leader's options (Group.options). */
const optionPrefix = 'opt:';
/** Member-hash fields that hold the worker's badges: field -> day first earned. */
const badgePrefix = 'badge:';

export interface StoreOptions {
  prefix: string;
  /** People and groups are keyed by (platform, account, platform id); see README "Identity". */
  platform: string;
  account: string;
  /** Puppets whose ids change at every login (wechat4u) identify rooms and workers by name too. */
  unstableIds: boolean;
  points: { correct: number; answered: number; late: number };
  /**
   * Judge heartbeats by Redis's clock (the instance key's expiry), so a process whose clock stepped can't
   * make live owners look dead. Off where every process shares one virtual clock (the simulator, tests).
   */
  redisTimeBeats?: boolean;
}

/** The Store port on Redis: plain commands for reads, one Lua script per multi-key write. */
export class RedisStore implements Store {
  readonly keys: Keys;
  constructor(
    readonly redis: ScriptedRedis,
    readonly opts: StoreOptions,
  ) {
    this.keys = keyBuilder(opts.prefix);
  }

  private get fallback(): string {
    return this.opts.unstableIds ? '1' : '0';
  }

  /** The identity-map field for a platform id: the same id on another platform or account is someone else. */
  identity(platformId: string): string {
    return `${this.opts.platform}:${this.opts.account}:${platformId}`;
  }

  /**
   * Ids resolved in this process, by everything resolve_id.lua is given: an id never changes once given, so
   * only a new name (or a new group for a worker) goes to Redis again. Every answer resolves two.
   */
  private readonly ids = new BoundedMap<string, number>(idsCached);

  private async resolveOnce(what: string, resolve: () => Promise<number>): Promise<number> {
    let id = this.ids.get(what);
    if (id === undefined) {
      id = await resolve();
      this.ids.set(what, id);
    }
    return id;
  }

  async resolveGroup(roomId: string, topic: string, ownerName: string): Promise<number> {
    const k = this.keys;
    const args = [this.identity(roomId), `${topic}\u0000${ownerName}`, this.fallback, topic];
    return this.resolveOnce(`room\u0000${args.join('\u0000')}`, async () => Number(await this.redis.resolve_id(k.roomIds, k.roomNames, k.groupSeq, k.roomDisplayNames, ...args)));
  }

  async resolveWorker(gid: number | undefined, contactId: string, name: string): Promise<number> {
    const k = this.keys;
    const args = [this.identity(contactId), `${gid ?? ''}\u0000${name}`, this.fallback, name];
    return this.resolveOnce(`worker\u0000${args.join('\u0000')}`, async () => {
      const wid = Number(await this.redis.resolve_id(k.workerIds, k.workerNames, k.workerSeq, k.workerDisplayNames, ...args));
      await this.redis.hset(k.workerContacts, wid, this.identity(contactId));
      return wid;
    });
  }

  /** The platform id a private message to this worker goes to, on this bot's platform and account. */
  async contactOf(wid: number): Promise<string | undefined> {
    const identity = await this.redis.hget(this.keys.workerContacts, String(wid));
    const mine = this.identity('');
    return identity?.startsWith(mine) ? identity.slice(mine.length) : undefined;
  }

  async lookupWorkers(gid: number, contactIds: string[], names: string[]): Promise<(number | undefined)[]> {
    if (!contactIds.length) return [];
    const byId = await this.redis.hmget(this.keys.workerIds, ...contactIds.map((id) => this.identity(id)));
    const byName = this.opts.unstableIds ? await this.redis.hmget(this.keys.workerNames, ...names.map((n) => `${gid}\u0000${n}`)) : [];
    return byId.map((id, i) => {
      const found = id ?? byName[i];
      return found ? Number(found) : undefined;
    });
  }

  async workerGroups(wid: number): Promise<number[]> {
    return (await this.redis.smembers(this.keys.workerGroups(wid))).map(Number).sort((a, b) => a - b);
  }

  async getGroup(gid: number): Promise<Group | undefined> {
    const h = await this.redis.hgetall(this.keys.group(gid));
    if (!h.status) return undefined;
    return {
      gid,
      roomId: h.roomId,
      topic: h.topic,
      track: h.track,
      ...(h.courseTitle && { courseTitle: h.courseTitle }),
      time: h.time,
      days: h.days.split(',').map(Number),
      windowMinutes: Number(h.windowMinutes),
      status: h.status as Group['status'],
      cycleSince: h[`cycle:${h.track}`] ?? '',
      cycle: Number(h[`rounds:${h.track}`] ?? 0) + 1,
      lessons: Number(h.seq ?? 0),
      current: h.current ?? '',
      team: h.team ?? '',
      activeSince: Number(h.activeSince ?? 0),
      options: Object.fromEntries(Object.entries(h).filter(([k]) => k.startsWith(optionPrefix)).map(([k, v]) => [k.slice(optionPrefix.length), v])),
      account: h.account ?? '',
      ...(h.taker && { taker: h.taker }),
    };
  }

  /** Settings and owner only: the course (current, cycles, history) belongs to claim_push and is never overwritten here; the taker to setTaker. */
  async saveGroup(g: Group): Promise<void> {
    const fields = { roomId: g.roomId, topic: g.topic, track: g.track, courseTitle: g.courseTitle ?? '', time: g.time, days: g.days.join(','), windowMinutes: g.windowMinutes, activeSince: g.activeSince };
    // The owner is written only when known: '' never clears an owner another account's claim just set.
    const owner = g.account ? ['account', g.account] : [];
    const k = this.keys;
    await this.redis.save_group(k.group(g.gid), g.status, g.team, ...Object.entries(fields).flat(), ...owner);
    // Global indexes, in other cluster slots: written after the group, idempotently (a crash in between is
    // repaired by the next save). The binding index lets the dashboard skip every group hash.
    await this.redis.hset(k.teamBindings, g.gid, g.team);
    if (g.status === 'left') await this.redis.srem(k.activeGroups, g.gid);
    else await this.redis.sadd(k.activeGroups, g.gid);
    await this.indexDue(g);
    // The account's index of groups; idempotent.
    if (g.account) await this.redis.sadd(k.accountGroups(g.account), g.gid);
  }

  /** The due index, written after the group's own script (another slot); repeating it is harmless. */
  private async indexDue(g: Pick<Group, 'gid' | 'status' | 'time'>): Promise<void> {
    const [h, m] = g.time.split(':').map(Number);
    if (g.status === 'active') await this.redis.zadd(this.keys.dueIndex, h * 60 + m, g.gid);
    else await this.redis.zrem(this.keys.dueIndex, g.gid);
  }

  /** Builds the due index once for groups enrolled before it existed. */
  async ensureDueIndex(): Promise<void> {
    if (await this.redis.exists(this.keys.dueIndex)) return;
    for (const g of await this.activeGroups()) await this.indexDue(g);
  }

  async dueGroups(fromMinute: number, toMinute: number): Promise<number[]> {
    const k = this.keys.dueIndex;
    const ranges = fromMinute <= toMinute ? [[fromMinute, toMinute]] : [[fromMinute, 1439], [0, toMinute]];
    const found = await Promise.all(ranges.map(([a, b]) => this.redis.zrangebyscore(k, a, b)));
    return found.flat().map(Number);
  }

  async nextDueMinute(fromMinute: number): Promise<number | undefined> {
    const k = this.keys.dueIndex;
    const [, later] = await this.redis.zrangebyscore(k, fromMinute, '+inf', 'WITHSCORES', 'LIMIT', 0, 1);
    const [, first] = later === undefined ? await this.redis.zrangebyscore(k, '-inf', '+inf', 'WITHSCORES', 'LIMIT', 0, 1) : [];
    const minute = later ?? first;
    return minute === undefined ? undefined : Number(minute);
  }

  async activeGroups(): Promise<Group[]> {
    const ids = (await this.redis.smembers(this.keys.activeGroups)).map(Number).sort((a, b) => a - b);
    const groups = await Promise.all(ids.map((gid) => this.getGroup(gid)));
    return groups.filter((g): g is Group => !!g);
  }

  async claimMessage(gid: number, message: string, at: number): Promise<boolean> {
    const fingerprint = createHash('sha1').update(message).digest('base64url');
    return Number(await this.redis.claim_message(this.keys.heardMessage(gid, fingerprint), at, heardMessageMs, 86_400)) === 1;
  }

  async claimGroup(gid: number, account: string): Promise<string> {
    const key = this.keys.group(gid);
    // HSETNX decides once; the loser reads the winner back.
    await this.redis.hsetnx(key, 'account', account);
    const owner = (await this.redis.hget(key, 'account'))!;
    // A global index, so written apart from the group's slot; idempotent.
    await this.redis.sadd(this.keys.accountGroups(owner), gid);
    return owner;
  }

  async notePresent(gid: number, account: string): Promise<void> {
    await this.redis.sadd(this.keys.groupAccounts(gid), account);
  }

  async presentAccounts(gid: number): Promise<string[]> {
    return (await this.redis.smembers(this.keys.groupAccounts(gid))).sort();
  }

  async accountGroups(account: string): Promise<number[]> {
    return (await this.redis.smembers(this.keys.accountGroups(account))).map(Number).sort((a, b) => a - b);
  }

  async takenFrom(account: string): Promise<number[]> {
    return (await this.redis.smembers(this.keys.accountTaken(account))).map(Number).sort((a, b) => a - b);
  }

  async setTaker(gid: number, owner: string, from: string, to: string): Promise<boolean> {
    if (Number(await this.redis.set_taker(this.keys.group(gid), owner, from, to)) !== 1) return false;
    // The owner's index of groups taken from it, apart from the group's slot; idempotent.
    if (to) await this.redis.sadd(this.keys.accountTaken(owner), gid);
    else await this.redis.srem(this.keys.accountTaken(owner), gid);
    return true;
  }

  async reportAccount(state: AccountState): Promise<void> {
    await this.redis.hset(this.keys.accountStates, `${state.account}|${state.process}`, JSON.stringify(state));
  }

  async dropAccountState(account: string, process: string): Promise<void> {
    await this.redis.hdel(this.keys.accountStates, `${account}|${process}`);
  }

  async accountStates(): Promise<AccountState[]> {
    return Object.values(await this.redis.hgetall(this.keys.accountStates)).map((j) => JSON.parse(j) as AccountState);
  }

  async spendBudget(gid: number, day: string, cap: number): Promise<boolean> {
    return Number(await this.redis.spend_budget(this.keys.engageBudget(gid, day), cap)) === 1;
  }

  async startAlert(gid: number, kind: 'drop' | 'missed'): Promise<boolean> {
    return (await this.redis.set(this.keys.alertEpisode(gid, kind), '1', 'NX')) === 'OK';
  }

  async endAlert(gid: number, kind: 'drop' | 'missed'): Promise<void> {
    await this.redis.del(this.keys.alertEpisode(gid, kind));
  }

  async markReportSent(week: string, officer: string): Promise<boolean> {
    const key = this.keys.reportsSent(week);
    const [[, first]] = (await this.redis.multi().hsetnx(key, officer, '1').expire(key, 60 * 86_400).exec()) as [[unknown, number]];
    return first === 1;
  }

  async takeAlertCheck(day: string): Promise<boolean> {
    return (await this.redis.set(this.keys.alertsChecked(day), '1', 'EX', 3 * 86_400, 'NX')) === 'OK';
  }

  async setGroupOption(gid: number, name: string, value: string): Promise<void> {
    await this.redis.hset(this.keys.group(gid), `${optionPrefix}${name}`, value);
  }

  async onceFor(gid: number, tag: string, day: string): Promise<boolean> {
    return (await this.redis.hsetnx(this.keys.engageDone(gid), tag, day)) === 1;
  }

  async monthPoints(gid: number, month: string, limit: number): Promise<{ wid: number; points: number }[]> {
    const flat = await this.redis.zrevrange(this.keys.monthPoints(gid, month), 0, limit - 1, 'WITHSCORES');
    const out: { wid: number; points: number }[] = [];
    for (let i = 0; i < flat.length; i += 2) out.push({ wid: Number(flat[i]), points: Number(flat[i + 1]) });
    return out;
  }

  async awardBadge(gid: number, wid: number, badge: string, day: string): Promise<string> {
    const key = this.keys.member(gid, wid);
    // HSETNX decides once; the day read back is the winner's, so a repeated call for that day sees it as new again.
    await this.redis.hsetnx(key, `${badgePrefix}${badge}`, day);
    return (await this.redis.hget(key, `${badgePrefix}${badge}`))!;
  }

  async addLeader(gid: number, wid: number): Promise<void> {
    await this.redis.sadd(this.keys.leaders(gid), wid);
  }

  async isLeader(gid: number, wid: number): Promise<boolean> {
    return (await this.redis.sismember(this.keys.leaders(gid), wid)) === 1;
  }

  async leaders(gid: number): Promise<number[]> {
    return (await this.redis.smembers(this.keys.leaders(gid))).map(Number).sort((a, b) => a - b);
  }

  /** A field of the push's own hash, so it goes wherever the push goes and costs no key. */
  async scheduleReminder(ref: QuizRef, at: number): Promise<void> {
    await this.redis.zadd(this.keys.reminders, at, pushMember(ref.gid, ref.day, ref.kind));
  }

  async remindersDue(now: number): Promise<QuizRef[]> {
    return (await this.redis.zrangebyscore(this.keys.reminders, '-inf', now)).map(parsePushMember);
  }

  async dropReminder(ref: QuizRef): Promise<void> {
    await this.redis.zrem(this.keys.reminders, pushMember(ref.gid, ref.day, ref.kind));
  }

  nextReminder(): Promise<number | undefined> {
    return this.firstScore(this.keys.reminders);
  }

  /** The lowest score in a sorted set (the first time in a time index). */
  private async firstScore(key: string): Promise<number | undefined> {
    const [, score] = await this.redis.zrange(key, 0, 0, 'WITHSCORES');
    return score === undefined ? undefined : Number(score);
  }

  async markReminded(ref: QuizRef): Promise<boolean> {
    return (await this.redis.hsetnx(this.keys.push(ref.gid, ref.day, ref.kind), 'reminded', '1')) === 1;
  }

  private readonly snapshots = new Map<string, LessonSnapshot>();

  async saveSnapshot(snapshot: LessonSnapshot): Promise<void> {
    await this.redis.set(this.keys.lessonSnapshot(snapshot.hash), JSON.stringify(snapshot), 'NX');
    this.snapshots.set(snapshot.hash, snapshot);
  }

  /** Snapshots never change, so each is read from Redis once per process. */
  async snapshot(hash: string): Promise<LessonSnapshot | undefined> {
    if (!hash) return undefined;
    let s = this.snapshots.get(hash);
    if (!s) {
      const json = await this.redis.get(this.keys.lessonSnapshot(hash));
      if (!json) return undefined;
      s = JSON.parse(json) as LessonSnapshot;
      this.snapshots.set(hash, s);
    }
    return s;
  }

  async history(gid: number): Promise<Map<string, string>> {
    return new Map(Object.entries(await this.redis.hgetall(this.keys.history(gid))));
  }

  async claimPush(g: Group, day: string, plan: PushPlan, now: number, owner: string, reason: string): Promise<number | 'taken' | 'retry'> {
    const k = this.keys;
    await this.saveSnapshot(plan.snapshot);
    this.targets.delete(g.gid);
    // Indexed first: a crash right after the claim still leaves it where orphanedClaims looks.
    const member = pushMember(g.gid, day);
    await this.redis.zadd(k.claimsOf(owner), 'NX', now, member);
    await this.redis.zadd(k.instances, 'NX', now, owner);
    const { snapshot: s } = plan;
    const claim = async () => Number(
      await this.redis.claim_push(
        k.push(g.gid, day), k.group(g.gid), k.pushDays(g.gid), k.history(g.gid),
        day, s.id, s.hash, now, owner, reason, JSON.stringify(plan.messages), JSON.stringify(plan.target), plan.newCycle ? '1' : '0', g.track,
        plan.completesRound ? '1' : '0', g.lessons + 1, plan.freshSince,
      ),
    );
    const seq = await claim();
    if (seq <= 0) await this.redis.zrem(k.claimsOf(owner), member);
    if (seq > 0 && viaSentinel(this.redis)) {
      // As with answers: a claim a failover lost would let another instance push the same day again. The
      // claim is repeated until a replica holds it; whoever holds it on the primary then is the owner.
      await this.replicated(claim);
      if ((await this.redis.hget(k.push(g.gid, day), 'owner')) !== owner) return 'taken';
    }
    return seq > 0 ? seq : seq === 0 ? 'taken' : 'retry';
  }

  async skipPush(gid: number, day: string, now: number, reason: string): Promise<boolean> {
    return Number(await this.redis.skip_push(this.keys.push(gid, day), this.keys.pushDays(gid), now, reason, day)) === 1;
  }

  async pushMessages(ref: QuizRef): Promise<{ messages: OutMessage[]; next: number; target: Target } | undefined> {
    const [messages, next, target] = await this.redis.hmget(this.keys.push(ref.gid, ref.day, ref.kind), 'messages', 'next', 'target');
    if (!messages || !target) return undefined;
    return { messages: JSON.parse(messages) as OutMessage[], next: Number(next ?? 0), target: JSON.parse(target) as Target };
  }

  async beginMessage(ref: QuizRef, owner: string, index: number): Promise<boolean> {
    return Number(await this.redis.begin_message(this.keys.push(ref.gid, ref.day, ref.kind), owner, index)) === 1;
  }

  async messageSent(ref: QuizRef, owner: string, index: number): Promise<void> {
    // A message that went out must stay recorded through a failover, or the new primary would send it again.
    await this.durably(() => this.redis.message_sent(this.keys.push(ref.gid, ref.day, ref.kind), owner, index));
  }

  async openQuiz(ref: QuizRef, owner: string, sentAt: number, closesAt: number): Promise<void> {
    const k = this.keys;
    const member = pushMember(ref.gid, ref.day, ref.kind);
    // Lost in a failover, the quiz would stay unopened (and never close) while its owner lives on.
    const opened = await this.durably(async () => {
      // Indexed before the status changes, so a crash in between never leaves an open quiz nobody closes.
      await this.redis.zadd(k.openQuizzes, closesAt, member);
      return Number(await this.redis.open_quiz(k.push(ref.gid, ref.day, ref.kind), owner, sentAt, closesAt)) === 1;
    });
    if (opened) await this.redis.zrem(k.claimsOf(owner), member);
  }

  /**
   * Reads the instances (a handful), then the pending claims of the dead ones only: the work follows what
   * is returned, not the size of the wave. A dead instance with nothing left pending is forgotten.
   */
  async orphanedClaims(now: number, deadMs: number): Promise<(QuizRef & { owner: string })[]> {
    const k = this.keys;
    const owners = await this.redis.zrange(k.instances, 0, -1);
    // One GET each, not MGET: on a Cluster the instances' keys sit in different slots.
    const beats = await Promise.all(owners.map((o) => this.redis.get(k.instance(o))));
    const dead = owners.filter((_, i) => (this.opts.redisTimeBeats ? beats[i] === null : now - Number(beats[i] ?? 0) >= deadMs));
    const out: (QuizRef & { owner: string })[] = [];
    for (const owner of dead) {
      const pending = (await this.redis.zrange(k.claimsOf(owner), 0, -1)).map(parsePushMember);
      if (!pending.length) {
        await this.redis.zrem(k.instances, owner);
        continue;
      }
      const heads = await Promise.all(pending.map((p) => this.redis.hmget(k.push(p.gid, p.day, p.kind), 'owner', 'status')));
      for (const [i, p] of pending.entries()) {
        const [holder, status] = heads[i];
        // Sent, taken over, or the claim lost its race: nothing of this owner's is pending under it any more.
        if (holder !== owner || (status !== 'claimed' && status !== 'sending')) await this.redis.zrem(k.claimsOf(owner), pushMember(p.gid, p.day, p.kind));
        else out.push({ ...p, owner });
      }
    }
    return out;
  }

  /** The push moves to the new owner's pending claims first, so a crash in between loses it from no index. */
  async reclaimPush(ref: QuizRef, oldOwner: string, newOwner: string, now: number): Promise<boolean> {
    const k = this.keys;
    const member = pushMember(ref.gid, ref.day, ref.kind);
    await this.redis.zadd(k.claimsOf(newOwner), 'NX', now, member);
    const taken = Number(await this.redis.reclaim_push(k.push(ref.gid, ref.day, ref.kind), oldOwner, newOwner)) === 1;
    await this.redis.zrem(k.claimsOf(taken ? oldOwner : newOwner), member);
    return taken;
  }

  async outboxAdd(account: string, item: OutboxItem): Promise<boolean> {
    const k = this.keys;
    return Number(await this.redis.outbox_add(k.outboxItems(account), k.outboxQueue(account), k.outboxDone(account), item.id, JSON.stringify(item), item.createdAt)) === 1;
  }

  async outboxPending(account: string, limit: number): Promise<OutboxItem[]> {
    const k = this.keys;
    const ids = await this.redis.zrange(k.outboxQueue(account), 0, limit - 1);
    if (!ids.length) return [];
    const items = await this.redis.hmget(k.outboxItems(account), ...ids);
    return items.filter((j): j is string => !!j).map((j) => JSON.parse(j) as OutboxItem);
  }

  async outboxLease(account: string, id: string, owner: string, now: number, leaseMs: number): Promise<boolean> {
    return Number(await this.redis.outbox_lease(this.keys.outboxItems(account), id, owner, now, leaseMs)) === 1;
  }

  async outboxDone(account: string, id: string, now: number): Promise<void> {
    const k = this.keys;
    // Sent is sent: after a failover the same id (a summary whose close was lost and is made again) is refused.
    await this.durably(() => this.redis.outbox_done(k.outboxItems(account), k.outboxQueue(account), k.outboxDone(account), id, now));
  }

  async ackDue(ref: QuizRef, now: number, everyMs: number): Promise<number | undefined> {
    const n = Number(await this.redis.ack_due(this.keys.push(ref.gid, ref.day, ref.kind), now, everyMs));
    return n > 0 ? n : undefined;
  }

  async hasPendingClaims(except: string): Promise<boolean> {
    const k = this.keys;
    const owners = (await this.redis.zrange(k.instances, 0, -1)).filter((o) => o !== except);
    const counts = await Promise.all(owners.map((o) => this.redis.zcard(k.claimsOf(o))));
    return counts.some((n) => n > 0);
  }

  async sharedNow(now: number): Promise<number> {
    if (!this.opts.redisTimeBeats) return now;
    const [seconds, micros] = await this.redis.time();
    return Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
  }

  async heartbeat(owner: string, now: number, deadMs: number): Promise<void> {
    const k = this.keys;
    // By Redis time the key lives exactly `deadMs`; on a shared virtual clock its value is compared, and the expiry only clears up.
    if (this.opts.redisTimeBeats) await this.redis.set(k.instance(owner), now, 'PX', deadMs);
    else await this.redis.set(k.instance(owner), now, 'EX', 7 * 86_400);
    await this.redis.zadd(k.instances, now, owner);
  }

  /** Answer targets by group; a stale one is caught by record_answer.lua (AnswerInput.routed). */
  private readonly targets = new BoundedMap<number, AnswerTarget>(targetsCached);

  async answerTarget(gid: number, fresh = false): Promise<AnswerTarget | undefined> {
    const cached = fresh ? undefined : this.targets.get(gid);
    if (cached) return cached;
    const k = this.keys;
    this.targets.delete(gid);
    const [status, day] = await this.redis.hmget(k.group(gid), 'status', 'current');
    if (!status || !day) return undefined;
    // The day's review while it is open (it follows the lesson's close), else the day's lesson quiz (补学 after its close).
    const [review, lesson] = await Promise.all((['review', 'lesson'] as const).map((kind) => this.redis.hmget(k.push(gid, day, kind), 'status', 'lessonHash')));
    const kind = review[0] === 'sent' ? 'review' : 'lesson';
    const [pushStatus, lessonHash] = kind === 'review' ? review : lesson;
    if (!pushStatus) return undefined;
    const target = { ref: { gid, day, kind }, lessonHash: lessonHash ?? '' } satisfies AnswerTarget;
    this.targets.set(gid, target);
    return target;
  }

  async getPush(gid: number, day: string, kind: QuizKind = 'lesson'): Promise<Push | undefined> {
    const h = await this.redis.hgetall(this.keys.push(gid, day, kind));
    return h.status ? toPush({ gid, day, kind }, h) : undefined;
  }

  async pushesBetween(gid: number, fromDay: string, toDay: string): Promise<Push[]> {
    const days = (await this.redis.zrange(this.keys.pushDays(gid), 0, -1)).filter((d) => d >= fromDay && d <= toDay);
    const pushes = await Promise.all(days.map((d) => this.getPush(gid, d)));
    return pushes.filter((p): p is Push => !!p);
  }

  async openQuizzes(now?: number): Promise<QuizRef[]> {
    return (await this.redis.zrangebyscore(this.keys.openQuizzes, '-inf', now ?? '+inf')).map(parsePushMember);
  }

  nextClose(): Promise<number | undefined> {
    return this.firstScore(this.keys.openQuizzes);
  }

  async closeQuiz(ref: QuizRef, now: number, expected: number, source = '', leave = 0): Promise<{ push: Push; closedNow: boolean } | undefined> {
    this.targets.delete(ref.gid);
    const closedNow = Number(await this.redis.close_quiz(this.keys.push(ref.gid, ref.day, ref.kind), now, expected, source, leave)) === 1;
    await this.syncTeam(ref);
    // A global index, so apart from the group's slot; idempotent. The archive reads old days from it.
    await this.redis.zadd(this.keys.answerDays, 'NX', epochDay(ref.day), pushMember(ref.gid, ref.day, ref.kind));
    const push = await this.getPush(ref.gid, ref.day, ref.kind);
    return push ? { push, closedNow } : undefined;
  }

  /** Closed quizzes of days before `beforeDay` whose answer records are still here, oldest first. */
  async answersBefore(beforeDay: string, limit: number): Promise<QuizRef[]> {
    return (await this.redis.zrangebyscore(this.keys.answerDays, '-inf', `(${epochDay(beforeDay)}`, 'LIMIT', 0, limit)).map(parsePushMember);
  }

  /** A quiz's answer records as record_answer.lua wrote them: [wid, question, choice, correct, arrival ms, onTime]; undefined once dropped. */
  async answerRecords(ref: QuizRef): Promise<{ lessonId: string; records: [number, number, string, number, number, number][] } | undefined> {
    const [records, lessonId] = await Promise.all([this.redis.lrange(this.keys.answers(ref.gid, ref.day, ref.kind), 0, -1), this.redis.hget(this.keys.push(ref.gid, ref.day, ref.kind), 'lessonId')]);
    return records.length ? { lessonId: lessonId ?? '', records: records.map((r) => JSON.parse(r)) } : undefined;
  }

  /** Drops a quiz's answer records (after they are safely archived), then its index entry. */
  async dropAnswerRecords(ref: QuizRef): Promise<void> {
    await this.redis.del(this.keys.answers(ref.gid, ref.day, ref.kind));
    await this.redis.zrem(this.keys.answerDays, pushMember(ref.gid, ref.day, ref.kind));
  }

  async forgetQuiz(ref: QuizRef): Promise<void> {
    await this.redis.zrem(this.keys.openQuizzes, pushMember(ref.gid, ref.day, ref.kind));
  }

  async firstCorrect(gid: number, day: string, limit: number, kind: QuizKind = 'lesson'): Promise<string[]> {
    const wids = await this.redis.zrange(this.keys.allCorrect(gid, day, kind), 0, limit - 1);
    return this.workerNames(wids.map(Number));
  }

  async onTimeWorkers(gid: number, day: string): Promise<number[]> {
    return (await this.redis.smembers(this.keys.onTime(gid, day))).map(Number);
  }

  private readonly workerGroupsSeen = new BoundedMap<string, true>(idsCached);

  async recordAnswer(a: AnswerInput): Promise<AnswerOutcome> {
    const k = this.keys;
    const p = this.opts.points;
    const record = JSON.stringify([a.wid, a.question, a.choice, a.correct ? 1 : 0, a.at]);
    const write = async () => (await this.redis.record_answer(
      k.push(a.gid, a.day, a.kind), k.firsts(a.gid, a.day, a.kind), k.onTime(a.gid, a.day, a.kind), k.allCorrect(a.gid, a.day, a.kind),
      k.lateSet(a.gid, a.day, a.kind), k.answers(a.gid, a.day, a.kind), k.member(a.gid, a.wid), k.points(a.gid), k.missed(a.gid, isoWeek(a.day).week),
      k.monthPoints(a.gid, a.day.slice(0, 7)), k.workerFigures(a.gid), k.workerTotals(a.gid), k.group(a.gid), k.push(a.gid, a.day, 'review'), k.streaks(a.gid),
      a.wid, a.question, a.choice, a.correct ? '1' : '0', a.at, a.questionCount, p.correct, p.answered, p.late, record, a.name,
      `${a.lessonHash}:${a.question}`, missedKeptSeconds, a.routed ? a.day : '', a.day.slice(0, 7), epochDay(a.day),
    )) as number[];
    const r = await write();
    if (r[0] === -2) {
      this.targets.delete(a.gid);
      return { kind: 'moved' };
    }
    if (r[0] !== 1) return { kind: 'duplicate' };
    // A global index, so written apart from the group's slot; idempotent, and never removed: once per process is enough.
    const member = `${a.wid}:${a.gid}`;
    if (!this.workerGroupsSeen.has(member)) {
      await this.redis.sadd(k.workerGroups(a.wid), a.gid);
      this.workerGroupsSeen.set(member, true);
    }
    if (!a.correct) await this.noteMistake(a);
    if (viaSentinel(this.redis)) await this.replicated(write);
    return { kind: 'recorded', onTime: r[1] === 1, points: r[2], streak: r[3] };
  }

  /**
   * With Sentinel, an answer or a claim is acknowledged only once a replica holds it (WAIT 1), because
   * replication is asynchronous and a failover would lose what the old primary had not passed on. Until a
   * replica confirms, the write is repeated (record_answer and claim_push ignore a repeat), so after a
   * failover it lands on the new primary. A primary left with no replica still takes writes: after
   * replicaWaitTries it gives up.
   */
  /** A write (idempotent) that, with Sentinel, returns only once a replica holds it (see replicated). */
  private async durably<T>(write: () => Promise<T>): Promise<T> {
    const result = await write();
    if (viaSentinel(this.redis)) await this.replicated(write);
    return result;
  }

  private async replicated(write: () => Promise<unknown>): Promise<void> {
    for (let i = 0; i < replicaWaitTries; i++) {
      if ((await this.sharedWait()) >= 1) return;
      await write();
    }
  }

  private sentWait: Promise<unknown> = Promise.resolve();
  private nextWait?: Promise<number>;

  /**
   * WAIT blocks the connection, and one WAIT covers every write that came back before it was sent, so
   * answers waiting at the same time share the next one: it is sent when the one in flight returns.
   */
  private sharedWait(): Promise<number> {
    this.nextWait ??= this.sentWait.then(() => {
      this.nextWait = undefined;
      const sent = this.redis.wait(1, replicaWaitMs).then(Number);
      this.sentWait = sent.catch(() => 0);
      return sent;
    });
    return this.nextWait;
  }

  async addLeave(gid: number, wid: number, days: string[], reason: string): Promise<void> {
    if (!days.length) return;
    const k = this.keys;
    await this.redis.add_leave(1 + days.length, k.leaveDays(gid), ...days.map((d) => k.leave(gid, d)), wid, reason, ...days);
  }

  async cancelLeave(gid: number, wid: number, fromDay: string): Promise<string[]> {
    const k = this.keys;
    const days = await this.redis.zrangebylex(k.leaveDays(gid), `[${fromDay}`, '+');
    if (!days.length) return [];
    return (await this.redis.cancel_leave(1 + days.length, k.leaveDays(gid), ...days.map((d) => k.leave(gid, d)), wid, ...days)) as string[];
  }

  async onLeave(gid: number, day: string): Promise<Map<number, string>> {
    return new Map(Object.entries(await this.redis.hgetall(this.keys.leave(gid, day))).map(([wid, reason]) => [Number(wid), reason]));
  }

  async keepStreaks(ref: QuizRef, wids: number[]): Promise<void> {
    if (!wids.length) return;
    const k = this.keys;
    await this.redis.keep_streaks(4 + wids.length, k.push(ref.gid, ref.day, ref.kind), k.onTime(ref.gid, ref.day, ref.kind), k.lateSet(ref.gid, ref.day, ref.kind), k.streaks(ref.gid), ...wids.map((w) => k.member(ref.gid, w)), ...wids);
  }

  async markHinted(ref: QuizRef, wid: number): Promise<boolean> {
    // SADD is atomic on its own: the one caller that adds the worker gets 1.
    return (await this.redis.sadd(this.keys.hinted(ref.gid, ref.day, ref.kind), wid)) === 1;
  }

  /** A wrong first answer goes to the worker's 我的错题 and is scheduled to be asked again privately. */
  private async noteMistake(a: AnswerInput): Promise<void> {
    const k = this.keys;
    const record = JSON.stringify([a.gid, a.day, a.kind, a.lessonHash, a.question, a.choice]);
    const missed = epochDay(a.day);
    const prefix = `${a.gid}|${a.lessonHash}|${a.question}|`;
    const due = missed + repeatAfterDays[0];
    const added = Number(await this.redis.note_mistake(k.mistakes(a.wid), k.repeats(a.wid), record, a.at, a.at - mistakesKeptMs, mistakesKept, `${prefix}${missed}`, due, prefix));
    // LT: a worker already due earlier stays due then.
    if (added) await this.redis.zadd(k.repeatsDue, 'LT', due, a.wid);
  }

  async mistakes(wid: number, since: number, limit: number): Promise<Mistake[]> {
    const rows = await this.redis.zrevrangebyscore(this.keys.mistakes(wid), '+inf', since, 'WITHSCORES', 'LIMIT', 0, limit);
    const out: Mistake[] = [];
    for (let i = 0; i < rows.length; i += 2) {
      const [gid, day, kind, hash, question, choice] = JSON.parse(rows[i]) as [number, string, QuizKind, string, number, string];
      out.push({ gid, day, kind, hash, question, choice, at: Number(rows[i + 1]) });
    }
    return out;
  }

  async missedQuestions(gid: number, weeks: string[]): Promise<MissedQuestion[]> {
    const counts = new Map<string, number>();
    for (const week of weeks) {
      const rows = await this.redis.zrange(this.keys.missed(gid, week), 0, -1, 'WITHSCORES');
      for (let i = 0; i < rows.length; i += 2) counts.set(rows[i], (counts.get(rows[i]) ?? 0) + Number(rows[i + 1]));
    }
    return [...counts]
      .map(([m, wrong]) => ({ hash: m.slice(0, m.lastIndexOf(':')), question: Number(m.slice(m.lastIndexOf(':') + 1)), wrong }))
      .sort((a, b) => b.wrong - a.wrong || a.hash.localeCompare(b.hash) || a.question - b.question);
  }

  async openReview(ref: QuizRef, snapshot: LessonSnapshot, now: number, closesAt: number): Promise<boolean> {
    const k = this.keys;
    await this.saveSnapshot(snapshot);
    this.targets.delete(ref.gid);
    // Indexed first, as openQuiz does: a review whose hash was never written is forgotten at its close.
    await this.redis.zadd(k.openQuizzes, closesAt, pushMember(ref.gid, ref.day, ref.kind));
    return Number(await this.redis.open_review(k.push(ref.gid, ref.day, ref.kind), k.reviewDays(ref.gid), ref.day, snapshot.id, snapshot.hash, now, closesAt)) === 1;
  }

  async reviewsBetween(gid: number, fromDay: string, toDay: string): Promise<Push[]> {
    const days = (await this.redis.zrange(this.keys.reviewDays(gid), 0, -1)).filter((d) => d >= fromDay && d <= toDay);
    const pushes = await Promise.all(days.map((d) => this.getPush(gid, d, 'review')));
    return pushes.filter((p): p is Push => !!p);
  }

  async repetitionsDue(epochDayNow: number, limit: number): Promise<number[]> {
    return (await this.redis.zrangebyscore(this.keys.repeatsDue, '-inf', epochDayNow, 'LIMIT', 0, limit)).map(Number);
  }

  async takeRepetition(wid: number, today: number): Promise<Repetition | undefined> {
    const k = this.keys;
    const [member, next] = (await this.redis.take_repetition(k.repeats(wid), k.repeatAsked(wid), today, repeatAfterDays[1])) as [string, number];
    // At most one a day: the worker is due again tomorrow at the earliest.
    if (Number(next) < 0) await this.redis.zrem(k.repeatsDue, wid);
    else await this.redis.zadd(k.repeatsDue, Math.max(Number(next), today + 1), wid);
    return member ? parseRepetition(member) : undefined;
  }

  async askedRepetition(wid: number): Promise<Repetition | undefined> {
    const member = await this.redis.get(this.keys.repeatAsked(wid));
    return member ? parseRepetition(member) : undefined;
  }

  async settleRepetition(wid: number, r: Repetition, correct: boolean): Promise<boolean> {
    const k = this.keys;
    const member = `${r.gid}|${r.hash}|${r.question}|${epochDay(r.missed)}`;
    return Number(await this.redis.settle_repetition(k.repeatAsked(wid), k.repeats(wid), member, correct ? '1' : '0')) === 1;
  }

  private readonly nodeIds = new Map<string, Promise<number>>();

  /** Org node ids are resolved once per path; names stay out of keys. */
  nodeId(path: string): Promise<number> {
    let id = this.nodeIds.get(path);
    if (!id) {
      const k = this.keys;
      id = this.redis.resolve_id(k.orgIds, k.orgIds, k.orgSeq, k.orgNames, path, path, '0', path).then(Number);
      this.nodeIds.set(path, id);
    }
    return id;
  }

  /** The quiz's team figures as the range reads find them (idempotent; after a close or a late answer). */
  private async syncTeam(ref: QuizRef): Promise<void> {
    await this.redis.sync_team(this.keys.push(ref.gid, ref.day, ref.kind), this.keys.teamFigures(ref.gid), this.keys.teamTotals(ref.gid), epochDay(ref.day), `${ref.kind}|${ref.day}`);
  }

  async figuresBetween(gids: number[], fromDay: string, toDay: string, rows = true): Promise<RangeFigures[]> {
    // Auto-pipelined, not one pipeline: on a Cluster each group's figures sit in its own slot.
    const k = this.keys;
    const replies = await Promise.all(gids.map((gid) => this.redis.range_figures(k.workerFigures(gid), k.teamFigures(gid), k.workerTotals(gid), k.teamTotals(gid), k.group(gid), epochDay(fromDay), epochDay(toDay), rows ? '1' : '0') as Promise<[string | number, string, string | null, string]>));
    return replies.map(([listed, team, topic, binding], i) => {
      const [lessons, expected, answered, correct, late, leave, quizzes, reviewAnswered, reviewCorrect] = team.split(',').map(Number);
      const workers = typeof listed === 'string' && listed ? listed.split(';').map((w) => {
        const [wid, answered, correct, points] = w.split(',').map(Number);
        return { wid, answered, correct, points };
      }) : [];
      return {
        gid: gids[i],
        team: { lessons, expected, answered, correct, late, leave, review: { quizzes, answered: reviewAnswered, correct: reviewCorrect } },
        workerCount: typeof listed === 'number' ? listed : workers.length,
        workers,
        group: topic === null ? undefined : { topic, team: binding },
      };
    });
  }

  /**
   * Rebuilds a group's worker and team figures from its pushes and first answers, for data written before
   * record_answer.lua and sync_team.lua kept them (`banqian stats --rebuild`, with the bot stopped).
   */
  async rebuildFigures(gid: number): Promise<void> {
    const k = this.keys;
    const p = this.opts.points;
    const [lessons, reviews] = await Promise.all([this.pushesBetween(gid, '0000-01-01', '9999-12-31'), this.reviewsBetween(gid, '0000-01-01', '9999-12-31')]);
    const sent = [...lessons, ...reviews].filter((x) => x.status !== 'skipped').sort((a, b) => a.day.localeCompare(b.day));
    // Per worker, per day: lessons answered on time, lessons all right, points, first answers (record_answer.lua's sums).
    const days = new Map<number, Map<string, number[]>>();
    for (const push of sent) {
      const questions = (await this.snapshot(push.lessonHash))?.quiz.length ?? 1;
      const perWorker = new Map<number, { onTime: number; right: number; points: number; firsts: number }>();
      for (const [field, value] of Object.entries(await this.firstAnswers(gid, push.day, push.kind))) {
        const a = readFirst(field, value);
        const w = perWorker.get(a.wid) ?? { onTime: 0, right: 0, points: 0, firsts: 0 };
        w.firsts++;
        if (a.onTime) (w.onTime++, a.correct && w.right++);
        w.points += !a.onTime ? p.late : a.correct ? p.correct : p.answered;
        perWorker.set(a.wid, w);
      }
      const lesson = push.kind === 'lesson';
      for (const [wid, w] of perWorker) {
        const byDay = days.get(wid) ?? new Map<string, number[]>();
        const sums = byDay.get(push.day) ?? [0, 0, 0, 0];
        [lesson && w.onTime ? 1 : 0, lesson && w.right === questions ? 1 : 0, w.points, w.firsts].forEach((v, i) => (sums[i] += v));
        days.set(wid, byDay.set(push.day, sums));
      }
    }
    const packed = [...days].map(([wid, byDay]) => [String(wid), packFigures([...byDay].sort(([a], [b]) => a.localeCompare(b)))] as const);
    const tx = this.redis.multi().del(k.workerFigures(gid), k.workerTotals(gid), k.teamFigures(gid), k.teamTotals(gid));
    if (packed.length) tx.hset(k.workerFigures(gid), ...packed.flat()).hset(k.workerTotals(gid), ...packed.flatMap(([wid, p]) => [wid, totalsOf(p)]));
    await tx.exec();
    for (const push of sent) await this.syncTeam(push);
  }

  /**
   * Org rollups span groups, so they are written in a second step: the push's slot says what changes per
   * node (sync_rollup.lua), then each node's rollup takes its change (apply_rollup.lua, one slot per call,
   * safe to repeat), and the next sync_rollup call commits it.
   */
  async syncRollup(gid: number, day: string, nodePaths: string[]): Promise<void> {
    const k = this.keys;
    await this.syncTeam({ gid, day, kind: 'lesson' });
    const nodes = await Promise.all(nodePaths.map((p) => this.nodeId(p)));
    let applied = 0;
    for (let round = 0; round < 5; round++) {
      const pending = String(await this.redis.sync_rollup(k.push(gid, day), k.firsts(gid, day), nodes.join(','), applied));
      if (!pending) return;
      const { ver, deltas } = JSON.parse(pending) as { ver: number; deltas: Record<string, Record<string, number>> };
      await Promise.all(Object.entries(deltas).map(([node, d]) => this.redis.apply_rollup(k.rollup(Number(node), day), `${rollupMarker}${gid}`, ver, JSON.stringify(d))));
      applied = ver;
    }
    throw new Error(`rollup of group ${gid} on ${day} kept changing under us`);
  }

  async teamBindings(): Promise<{ gid: number; team: string }[]> {
    const all = await this.redis.hgetall(this.keys.teamBindings);
    return Object.entries(all)
      .map(([gid, team]) => ({ gid: Number(gid), team }))
      .sort((a, b) => a.gid - b.gid);
  }

  async groups(gids: number[]): Promise<Group[]> {
    const groups = await Promise.all(gids.map((gid) => this.getGroup(gid)));
    return groups.filter((g): g is Group => !!g);
  }

  async rollups(nodePath: string, days: string[], fields?: string[]): Promise<Record<string, number>[]> {
    const node = await this.nodeId(nodePath);
    // Auto-pipelined, not one pipeline: on a Cluster the days' rollups sit in different slots.
    const results = await Promise.all(days.map((day) => (fields ? this.redis.hmget(this.keys.rollup(node, day), ...fields) : this.lessonFields(this.keys.rollup(node, day)))));
    return results.map((value) => {
      const entries: [string, string | null][] = fields ? fields.map((f, i) => [f, (value as (string | null)[])[i]]) : (value as [string, string][]);
      return Object.fromEntries(entries.map(([f, v]) => [f, Number(v ?? 0)]));
    });
  }

  /**
   * A rollup's per-lesson fields ("L:…"), matched in Redis: a district's rollup also holds a marker per group
   * (2,000 of its 2,012 fields), which HGETALL would carry over and Node would convert only to drop.
   */
  private async lessonFields(key: string): Promise<[string, string][]> {
    const entries: [string, string][] = [];
    let cursor = '0';
    do {
      const [next, flat] = await this.redis.hscan(key, cursor, 'MATCH', 'L:*', 'COUNT', 10_000);
      for (let i = 0; i < flat.length; i += 2) entries.push([flat[i], flat[i + 1]]);
      cursor = next;
    } while (cursor !== '0');
    return entries;
  }

  async firstAnswers(gid: number, day: string, kind: QuizKind = 'lesson'): Promise<Record<string, string>> {
    return this.redis.hgetall(this.keys.firsts(gid, day, kind));
  }

  async workerNames(wids: number[]): Promise<string[]> {
    return wids.length ? ((await this.redis.hmget(this.keys.workerDisplayNames, ...wids.map(String))) as (string | null)[]).map((n) => n ?? '') : [];
  }

  async memberStats(gid: number, wid: number): Promise<MemberStats | undefined> {
    const h = await this.redis.hgetall(this.keys.member(gid, wid));
    return h.wid ? toMember(h) : undefined;
  }

  async memberStatsOf(members: { gid: number; wid: number }[]): Promise<(MemberStats | undefined)[]> {
    // Auto-pipelined, not one pipeline: on a Cluster each group's members sit in its own slot.
    const all = await Promise.all(members.map((m) => this.redis.hgetall(this.keys.member(m.gid, m.wid))));
    return all.map((h) => (h.wid ? toMember(h) : undefined));
  }

  async streaksAt(gid: number, seq: number, limit = Infinity): Promise<{ wid: number; name: string; streak: number }[]> {
    const key = this.keys.streaks(gid);
    // Groups that had answers before the index existed get it once, from their member hashes.
    if (!(await this.redis.exists(key)) && (await this.redis.exists(this.keys.points(gid)))) {
      const all = await this.members(gid);
      if (all.length) await this.redis.zadd(key, ...all.flatMap((m) => [m.lastSeq * streakScale + m.streak, m.wid]));
    }
    const [min, max] = [seq * streakScale, (seq + 1) * streakScale - 1];
    const read = async (from: number, count?: number) => {
      const flat = await (count === undefined ? this.redis.zrevrangebyscore(key, max, from, 'WITHSCORES') : this.redis.zrevrangebyscore(key, max, from, 'WITHSCORES', 'LIMIT', 0, count));
      const rows: { wid: number; streak: number }[] = [];
      for (let i = 0; i < flat.length; i += 2) rows.push({ wid: Number(flat[i]), streak: Number(flat[i + 1]) - min });
      return rows;
    };
    let rows = await read(min, Number.isFinite(limit) ? limit : undefined);
    // Equal streaks go by worker id: everyone tied with the last one read is read too before the cut.
    if (rows.length === limit) rows = await read(min + rows[rows.length - 1].streak);
    rows = rows.sort((a, b) => b.streak - a.streak || a.wid - b.wid).slice(0, limit);
    const names = rows.length ? await Promise.all(rows.map((r) => this.redis.hget(this.keys.member(gid, r.wid), 'name'))) : [];
    return rows.map((r, i) => ({ ...r, name: names[i] ?? '' }));
  }

  async members(gid: number): Promise<MemberStats[]> {
    const wids = await this.redis.zrevrange(this.keys.points(gid), 0, -1);
    const members = await Promise.all(wids.map((w) => this.memberStats(gid, Number(w))));
    return members.filter((m): m is MemberStats => !!m);
  }

  /** Rank by points; equal points share a rank. */
  async rank(gid: number, wid: number): Promise<{ rank: number; of: number }> {
    const key = this.keys.points(gid);
    const [score, of] = await Promise.all([this.redis.zscore(key, wid), this.redis.zcard(key)]);
    if (score === null) return { rank: of + 1, of };
    return { rank: (await this.redis.zcount(key, `(${score}`, '+inf')) + 1, of };
  }
}

/** How long one WAIT for a replica lasts, and how often it is tried (README "Production"). */
export const replicaWaitMs = 50;
const replicaWaitTries = 5;
/** Accounts hear the same message within moments; the same words again after this are a new message. */
const heardMessageMs = 60_000;
/** A rollup field "v:<gid>": the last version of that group's change the rollup took (apply_rollup.lua). */
export const rollupMarker = 'v:';
/**
 * A worker's figures as record_answer.lua keeps them: per day (in order) the running totals of lessons answered
 * on time, lessons all right, points and first answers, each entry 18 bytes ('>Hiiii' with the epoch day first).
 */
export function packFigures(perDay: [string, number[]][]): Buffer {
  const sums = [0, 0, 0, 0];
  return Buffer.concat(
    perDay.map(([day, add]) => {
      const e = Buffer.alloc(18);
      e.writeUInt16BE(epochDay(day), 0);
      add.forEach((v, i) => e.writeInt32BE((sums[i] += v), 2 + 4 * i));
      return e;
    }),
  );
}

/** A worker's totals entry as record_answer.lua keeps it: the first entry's day and the last entry. */
export const totalsOf = (packed: Buffer): Buffer => Buffer.concat([packed.subarray(0, 2), packed.subarray(-18)]);

/** streaks: lastSeq × this + streak. */
const streakScale = 2 ** 20;
/** In-process caches (BoundedMap): a district's workers, and its groups' answer targets. */
const idsCached = 100_000;
const targetsCached = 20_000;
/** The review reads four ISO weeks back; a week's missed questions are kept a little longer. */
const missedKeptSeconds = 35 * 86_400;
/** 我的错题 lists the last 30 days; at most this many are kept per worker. */
const mistakesKeptMs = 30 * 86_400_000;
const mistakesKept = 50;

function parseRepetition(member: string): Repetition {
  const [gid, hash, question, missed] = member.split('|');
  return { gid: Number(gid), hash, question: Number(question), missed: dayOfEpoch(Number(missed)) };
}

function toPush(ref: QuizRef, h: Record<string, string>): Push {
  const num = (v: string | undefined) => (v === undefined || v === '' ? undefined : Number(v));
  return {
    ...ref, lessonId: h.lessonId, lessonHash: h.lessonHash ?? '', next: Number(h.next ?? 0), reason: h.reason ?? '', completesRound: h.completesRound === '1', seq: Number(h.seq), status: h.status as Push['status'], owner: h.owner, claimedAt: Number(h.claimedAt),
    sentAt: num(h.sentAt), closesAt: num(h.closesAt), closedAt: num(h.closedAt), expected: num(h.expected), expectedSource: h.expectedSource || undefined, leave: num(h.leave),
    answered: Number(h.answered), correct: Number(h.correct), late: Number(h.late), ackAt: num(h.ackAt), ackCount: Number(h.ackCount ?? 0), reminded: h.reminded === '1',
  };
}

function toMember(h: Record<string, string>): MemberStats {
  return {
    wid: Number(h.wid), name: h.name, points: Number(h.points ?? 0), answered: Number(h.answered ?? 0), correct: Number(h.correct ?? 0),
    late: Number(h.late ?? 0), streak: Number(h.streak ?? 0), lastSeq: Number(h.lastSeq ?? 0),
    joined: Object.fromEntries(Object.entries(h).filter(([f]) => f.startsWith('joined:')).map(([f, n]) => [f.slice('joined:'.length), Number(n)])),
    badges: Object.keys(h).filter((f) => f.startsWith(badgePrefix)).map((f) => f.slice(badgePrefix.length)).sort(),
  };
}
