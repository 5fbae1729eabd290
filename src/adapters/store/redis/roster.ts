import { BoundedMap } from './bounded.ts';
import { randomInt } from 'node:crypto';
import { codeDays, codeTries, type CodeOutcome, type EnrolCodes, type Roster, type RosterEntry } from '../../../core/roster/roster.ts';
import type { RedisStore } from './store.ts';

const dayMs = 86_400_000;
/** Names heard are written only when new or changed; this process remembers the last it wrote per id. */
const heardCacheSize = 100_000;

/** The roster and the enrolment codes on Redis, for the store's (platform, account). */
export class RedisRoster implements Roster, EnrolCodes {
  private readonly heardNames = new BoundedMap<string, string>(heardCacheSize);

  constructor(private readonly store: RedisStore) {}

  private get redis() {
    return this.store.redis;
  }

  private key(kind: 'rosterPeople' | 'rosterTeams' | 'rosterHeard'): string {
    return this.store.keys[kind](this.store.opts.platform, this.store.opts.account);
  }

  async replace(entries: RosterEntry[]): Promise<void> {
    const teams = new Map<string, string[]>();
    for (const e of entries) teams.set(e.team, [...(teams.get(e.team) ?? []), e.id]);
    const people = entries.flatMap((e) => [e.id, JSON.stringify({ name: e.name, team: e.team })]);
    await this.redis.roster_import(this.key('rosterPeople'), this.key('rosterTeams'), entries.length, ...people, ...[...teams].flatMap(([t, ids]) => [t, JSON.stringify(ids)]));
    // Workers the bot already knows show their roster names on the dashboard at once (idempotent, so apart).
    const k = this.store.keys;
    const wids = entries.length ? await this.redis.hmget(k.workerIds, ...entries.map((e) => this.store.identity(e.id))) : [];
    const known = entries.flatMap((e, i) => (wids[i] ? [wids[i]!, e.name] : []));
    if (known.length) await this.redis.hset(k.workerDisplayNames, ...known);
  }

  async names(ids: string[]): Promise<(string | undefined)[]> {
    if (!ids.length) return [];
    const [imported, heard] = await Promise.all([this.importedNames(ids), this.redis.hmget(this.key('rosterHeard'), ...ids)]);
    return ids.map((_, i) => imported[i] ?? heard[i] ?? undefined);
  }

  async importedNames(ids: string[]): Promise<(string | undefined)[]> {
    if (!ids.length) return [];
    const people = await this.redis.hmget(this.key('rosterPeople'), ...ids);
    return people.map((p) => (p ? (JSON.parse(p) as { name: string }).name : undefined));
  }

  async heard(id: string, name: string): Promise<void> {
    if (this.heardNames.get(id) === name) return;
    this.heardNames.set(id, name);
    await this.redis.hset(this.key('rosterHeard'), id, name);
  }

  async team(path: string): Promise<RosterEntry[]> {
    const ids = JSON.parse((await this.redis.hget(this.key('rosterTeams'), path)) ?? '[]') as string[];
    const names = await this.names(ids);
    return ids.map((id, i) => ({ id, name: names[i] ?? id, team: path }));
  }

  async headcount(gid: number): Promise<number | undefined> {
    const n = Number(await this.redis.hget(this.store.keys.group(gid), 'headcount'));
    return n > 0 ? n : undefined;
  }

  async setHeadcount(gid: number, count: number | undefined): Promise<void> {
    if (count) await this.redis.hset(this.store.keys.group(gid), 'headcount', count);
    else await this.redis.hdel(this.store.keys.group(gid), 'headcount');
  }

  async issue(team: string, now: number): Promise<{ code: string; expiresAt: number }> {
    const expiresAt = now + codeDays * dayMs;
    for (;;) {
      const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
      // NX: a live code is never handed out twice. The real expiry only cleans up; validity runs on the bot's clock.
      const set = await this.redis.set(this.store.keys.enrolCode(code), JSON.stringify({ team, expiresAt }), 'PX', (codeDays + 1) * dayMs, 'NX');
      if (set) return { code, expiresAt };
    }
  }

  async use(code: string, gid: number, wid: number, now: number): Promise<CodeOutcome> {
    const k = this.store.keys;
    const [kind, value] = (await this.redis.use_code(k.enrolCode(code), k.codeTriesGroup(gid), k.codeTriesWorker(wid), now, codeTries.windowMs, codeTries.max)) as string[];
    if (kind === 'ok') return { kind, team: value };
    if (kind === 'locked') return { kind, until: Number(value) };
    return { kind: kind as 'wrong' | 'expired' };
  }
}
