/**
 * The one place that spells Redis keys. Only integer ids and validated days go into a key;
 * names, puppet ids and nicknames live in hash fields and values, so ":", "*", spaces or emoji
 * in them can never break or collide keys.
 */
export type Keys = ReturnType<typeof keyBuilder>;

const dayPattern = /^\d{4}-\d{2}-\d{2}$/;

function idPart(id: number): number {
  if (!Number.isSafeInteger(id) || id <= 0) throw new Error(`not an entity id: ${id}`);
  return id;
}

function dayPart(day: string): string {
  if (!dayPattern.test(day)) throw new Error(`not a day: ${day}`);
  return day;
}

function tokenPart(token: string): string {
  if (!/^[A-Za-z0-9_-]{32,64}$/.test(token)) throw new Error('not a session token');
  return token;
}

export function keyBuilder(prefix: string) {
  if (!/^[A-Za-z0-9_.-]+$/.test(prefix)) throw new Error(`bad key prefix: ${prefix}`);
  const k = (...parts: (string | number)[]) => [prefix, ...parts].join(':');
  return {
    prefix,
    /** Everything under this prefix, for SCAN-based clean-up. */
    all: `${prefix}:*`,
    groupSeq: k('seq', 'group'),
    workerSeq: k('seq', 'worker'),
    roomIds: k('idmap', 'room'),
    roomNames: k('namemap', 'room'),
    workerIds: k('idmap', 'worker'),
    workerNames: k('namemap', 'worker'),
    workerDisplayNames: k('names', 'worker'),
    roomDisplayNames: k('names', 'room'),
    activeGroups: k('groups', 'active'),
    /** Every group ever enrolled: gid -> the org path it is bound to ('' for none). */
    teamBindings: k('groups', 'teams'),
    orgSeq: k('seq', 'org'),
    orgIds: k('idmap', 'org'),
    orgNames: k('names', 'org'),
    openQuizzes: k('quizzes', 'open'),
    pendingClaims: k('claims', 'pending'),
    group: (gid: number) => k('group', idPart(gid)),
    leaders: (gid: number) => k('group', idPart(gid), 'leaders'),
    points: (gid: number) => k('group', idPart(gid), 'points'),
    pushDays: (gid: number) => k('group', idPart(gid), 'pushes'),
    workerGroups: (wid: number) => k('worker', idPart(wid), 'groups'),
    member: (gid: number, wid: number) => k('member', idPart(gid), idPart(wid)),
    push: (gid: number, day: string) => k('push', idPart(gid), dayPart(day)),
    firsts: (gid: number, day: string) => k('push', idPart(gid), dayPart(day), 'firsts'),
    onTime: (gid: number, day: string) => k('push', idPart(gid), dayPart(day), 'ontime'),
    allCorrect: (gid: number, day: string) => k('push', idPart(gid), dayPart(day), 'correct'),
    lateSet: (gid: number, day: string) => k('push', idPart(gid), dayPart(day), 'late'),
    answers: (gid: number, day: string) => k('push', idPart(gid), dayPart(day), 'answers'),
    /** Org rollup: one node's figures for one day, with a per-lesson breakdown. */
    rollup: (node: number, day: string) => k('rollup', idPart(node), dayPart(day)),
    instance: (owner: string) => k('instance', owner.replace(/[^A-Za-z0-9_-]/g, '_')),

    // --- web dashboard ---
    /** An officer's dashboard session, by its random token (base64url, checked). */
    session: (token: string) => k('session', tokenPart(token)),
  };
}

/** Open quizzes and pending claims are kept in sorted sets as "gid|day". */
export const pushMember = (gid: number, day: string): string => `${idPart(gid)}|${dayPart(day)}`;
export function parsePushMember(m: string): { gid: number; day: string } {
  const [gid, day] = m.split('|');
  return { gid: Number(gid), day };
}
