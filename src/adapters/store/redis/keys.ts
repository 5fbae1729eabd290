/**
 * The one place that spells Redis keys. Only integer ids, validated days, quiz kinds, content hashes,
 * 6-digit enrolment codes and (folded) platform and account ids go into a key; names, platform ids and nicknames live in hash fields and values, so
 * ":", "*", spaces or emoji in them can never break or collide keys.
 *
 * Every key of one group (its settings, its pushes and their answers) sits under the hash tag
 * `{g:<gid>}`, so each per-group script touches one Redis Cluster slot. Global indexes (active groups,
 * open quizzes, pending claims) and shared content (lesson snapshots) are written in separate steps.
 */
export type Keys = ReturnType<typeof keyBuilder>;

/** A quiz is (group, day, kind): the day's lesson quiz now; reviews and private repetition later. */
export const quizKinds = ['lesson', 'review'] as const;
export type QuizKind = (typeof quizKinds)[number];

const dayPattern = /^\d{4}-\d{2}-\d{2}$/;

function idPart(id: number): number {
  if (!Number.isSafeInteger(id) || id <= 0) throw new Error(`not an entity id: ${id}`);
  return id;
}

function dayPart(day: string): string {
  if (!dayPattern.test(day)) throw new Error(`not a day: ${day}`);
  return day;
}

function kindPart(kind: string): QuizKind {
  if (!(quizKinds as readonly string[]).includes(kind)) throw new Error(`not a quiz kind: ${kind}`);
  return kind as QuizKind;
}

function weekPart(week: string): string {
  if (!/^\d{4}-W\d{2}$/.test(week)) throw new Error(`not an ISO week: ${week}`);
  return week;
}

function hashPart(hash: string): string {
  if (!/^[0-9a-f]{16,64}$/.test(hash)) throw new Error(`not a content hash: ${hash}`);
  return hash;
}

/** Instance and account ids are ours, but may carry odd characters; they are folded to a safe form. */
const safePart = (s: string): string => s.replace(/[^A-Za-z0-9_-]/g, '_') || '_';

export const isToken = (token: string): boolean => /^[A-Za-z0-9_-]{32,64}$/.test(token);

function monthPart(month: string): string {
  if (!/^\d{4}-\d{2}$/.test(month)) throw new Error(`not a month: ${month}`);
  return month;
}

function codePart(code: string): string {
  if (!/^\d{6}$/.test(code)) throw new Error('not an enrolment code');
  return code;
}

function tokenPart(token: string): string {
  if (!isToken(token)) throw new Error('not a token');
  return token;
}

export function keyBuilder(prefix: string) {
  if (!/^[A-Za-z0-9_.-]+$/.test(prefix)) throw new Error(`bad key prefix: ${prefix}`);
  const k = (...parts: (string | number)[]) => [prefix, ...parts].join(':');
  /** A group's own keys: `<prefix>:{g:<gid>}:…`, one cluster slot per group. */
  const g = (gid: number, ...parts: (string | number)[]) => k(`{g:${idPart(gid)}}`, ...parts);
  /** One roster per (platform, account), under one hash tag so an import replaces it in one script. */
  const roster = (platform: string, account: string, part: string) => k(`{r:${safePart(platform)}.${safePart(account)}}`, 'roster', part);
  const ids = (kind: 'room' | 'worker' | 'org', part: string) => k(`{id:${kind}}`, part);
  const quiz = (gid: number, day: string, kind: QuizKind, ...parts: string[]) => g(gid, 'push', dayPart(day), kindPart(kind), ...parts);
  return {
    prefix,
    /** Everything under this prefix, for SCAN-based clean-up. */
    all: `${prefix}:*`,
    /**
     * Identity maps: "<platform>:<account>:<platform id>" -> entity id; see README "Identity". Each kind's
     * maps and counter share one hash tag, so resolve_id touches one slot.
     */
    groupSeq: ids('room', 'seq'),
    workerSeq: ids('worker', 'seq'),
    roomIds: ids('room', 'idmap'),
    roomNames: ids('room', 'namemap'),
    workerIds: ids('worker', 'idmap'),
    workerNames: ids('worker', 'namemap'),
    workerDisplayNames: ids('worker', 'names'),
    /** Worker id -> the identity ("<platform>:<account>:<id>") it last spoke as: where a private message goes. */
    workerContacts: k('contacts', 'worker'),
    roomDisplayNames: ids('room', 'names'),
    activeGroups: k('groups', 'active'),
    /** Active groups by push time: sorted set gid -> minute of the day (0–1439), so a tick reads only what is due. */
    dueIndex: k('groups', 'due'),
    /** Every group ever enrolled: gid -> the org path it is bound to ('' for none). */
    teamBindings: k('groups', 'teams'),
    /** Keys renamed for Redis Cluster, old -> new; renameOldKeys moves a single server's data once. */
    renamed: (
      [['seq:group', 'room', 'seq'], ['idmap:room', 'room', 'idmap'], ['namemap:room', 'room', 'namemap'], ['names:room', 'room', 'names'],
       ['seq:worker', 'worker', 'seq'], ['idmap:worker', 'worker', 'idmap'], ['namemap:worker', 'worker', 'namemap'], ['names:worker', 'worker', 'names'],
       ['seq:org', 'org', 'seq'], ['idmap:org', 'org', 'idmap'], ['names:org', 'org', 'names']] as const
    ).map(([old, kind, part]) => [`${prefix}:${old}`, ids(kind, part)] as const),
    orgSeq: ids('org', 'seq'),
    orgIds: ids('org', 'idmap'),
    orgNames: ids('org', 'names'),
    openQuizzes: k('quizzes', 'open'),
    /** Open lesson quizzes' reminders: sorted set "gid|day|kind" -> when it is due (engage/remind.ts). */
    reminders: k('quizzes', 'reminders'),
    /** Pushes an instance claimed and has not finished: sorted set "gid|day|kind" -> claimed at. */
    claimsOf: (owner: string) => k('claims', 'pending', safePart(owner)),
    /** Instances that ever claimed: sorted set owner -> its last beat (its own clock; liveness is the instance key). */
    instances: k('instances'),
    /** One message heard by several accounts in a group nobody owns yet: the account that answers it (see claimMessage). */
    heardMessage: (gid: number, fingerprint: string) => g(gid, 'heard', fingerprint),
    /** The bot accounts present in a group (each heard or saw it). */
    groupAccounts: (gid: number) => g(gid, 'accounts'),
    /** What each bot account's processes last reported: hash "<account>|<process>" -> JSON AccountState. */
    accountStates: k('accounts', 'state'),
    /** The groups a bot account owns (an index, written after the group's own claim). */
    accountGroups: (account: string) => k('accounts', safePart(account), 'groups'),
    /** The account's groups another account acts for while it is down. */
    accountTaken: (account: string) => k('accounts', safePart(account), 'taken'),
    /** Closed quizzes whose answer records are still in Redis: sorted set "gid|day|kind" -> epoch day (archive.ts). */
    answerDays: k('answers', 'days'),
    /** The archive run's lock, and the one push it is writing to a file: JSON {file, size, quiz}. */
    archiveLock: k('archive', 'lock'),
    archivePending: k('archive', 'pending'),
    /** What was sent, stored once per content hash and read by every push that sent it. */
    lessonSnapshot: (hash: string) => k('lesson', hashPart(hash)),
    /** Summaries, notices and acknowledgements waiting to go out through one bot account. */
    outboxQueue: (account: string) => k(`{o:${safePart(account)}}`, 'outbox', 'queue'),
    outboxItems: (account: string) => k(`{o:${safePart(account)}}`, 'outbox', 'items'),
    outboxDone: (account: string) => k(`{o:${safePart(account)}}`, 'outbox', 'done'),
    group: (gid: number) => g(gid, 'group'),
    leaders: (gid: number) => g(gid, 'leaders'),
    points: (gid: number) => g(gid, 'points'),
    /** The group's lesson pushes: sorted set day -> seq. */
    pushDays: (gid: number) => g(gid, 'pushes'),
    /** Lessons the group has had: hash lesson id -> day of its latest push. */
    history: (gid: number) => g(gid, 'history'),
    /** Engagement messages a group was sent on a day (reminders, reviews, rankings), against the daily cap. */
    engageBudget: (gid: number, day: string) => g(gid, 'budget', dayPart(day)),
    member: (gid: number, wid: number) => g(gid, 'member', idPart(wid)),
    /**
     * Each member's streak with the push it reached: sorted set wid -> lastSeq × 2^20 + streak, so a close reads
     * the workers of its push (one score range), longest streak first. Kept with the member hash's lastSeq/streak.
     */
    streaks: (gid: number) => g(gid, 'streaks'),
    /** Workers on leave (请假) on a day: hash wid -> reason ('' for none). */
    leave: (gid: number, day: string) => g(gid, 'leave', dayPart(day)),
    /** Days with anyone on leave: sorted set of days (score 0, ordered by the day), to find future leave. */
    leaveDays: (gid: number) => g(gid, 'leavedays'),
    /** Points earned in the group per month ("2026-12", the month of the lesson): sorted set wid -> points. */
    monthPoints: (gid: number, month: string) => g(gid, 'points', monthPart(month)),
    /** Each worker's figures by day, cumulative (record_answer.lua): hash wid -> packed entries. */
    workerFigures: (gid: number) => g(gid, 'figures', 'workers'),
    /** Each worker's first day and latest totals (record_answer.lua): hash wid -> 20 bytes. */
    workerTotals: (gid: number) => g(gid, 'figures', 'totals'),
    /** Each closed quiz's team figures (sync_team.lua): sorted set "<kind>|<day>|<figures>" -> epoch day. */
    teamFigures: (gid: number) => g(gid, 'figures', 'team'),
    /** The sums of the team figures over all quizzes (sync_team.lua): hash "<kind>:<1..6>" -> sum. */
    teamTotals: (gid: number) => g(gid, 'figures', 'teamtotals'),
    /** Engagement posts a group has had, once each (e.g. "pk:2026-W50", "month:2026-12"): hash tag -> day. */
    engageDone: (gid: number) => g(gid, 'engaged'),
    push: (gid: number, day: string, kind: QuizKind = 'lesson') => quiz(gid, day, kind),
    firsts: (gid: number, day: string, kind: QuizKind = 'lesson') => quiz(gid, day, kind, 'firsts'),
    onTime: (gid: number, day: string, kind: QuizKind = 'lesson') => quiz(gid, day, kind, 'ontime'),
    allCorrect: (gid: number, day: string, kind: QuizKind = 'lesson') => quiz(gid, day, kind, 'correct'),
    lateSet: (gid: number, day: string, kind: QuizKind = 'lesson') => quiz(gid, day, kind, 'late'),
    answers: (gid: number, day: string, kind: QuizKind = 'lesson') => quiz(gid, day, kind, 'answers'),
    workerGroups: (wid: number) => k('worker', idPart(wid), 'groups'),
    /** Workers told how to answer this quiz (once each). */
    hinted: (gid: number, day: string, kind: QuizKind = 'lesson') => quiz(gid, day, kind, 'hinted'),
    /** Org rollup: one node's figures for one day, with a per-lesson-snapshot breakdown. */
    rollup: (node: number, day: string) => k('rollup', idPart(node), dayPart(day)),
    instance: (owner: string) => k('instance', safePart(owner)),
    /** Who holds a chat robot's one live connection (e.g. a WeCom smart robot's long connection). */
    robotLease: (robot: string) => k('lease', 'robot', safePart(robot)),

    // --- roster and enrolment codes ---
    /** Imported people: hash user id -> JSON {name, team}. */
    rosterPeople: (platform: string, account: string) => roster(platform, account, 'people'),
    /** Imported teams: hash org path -> JSON array of user ids. */
    rosterTeams: (platform: string, account: string) => roster(platform, account, 'teams'),
    /** Names the platform gave with messages: hash user id -> name. */
    rosterHeard: (platform: string, account: string) => roster(platform, account, 'heard'),
    /** A one-time enrolment code -> JSON {team, expiresAt}; codes and their wrong tries share one slot. */
    enrolCode: (code: string) => k('{c}', 'code', codePart(code)),
    codeTriesGroup: (gid: number) => k('{c}', 'tries', 'group', idPart(gid)),
    codeTriesWorker: (wid: number) => k('{c}', 'tries', 'worker', idPart(wid)),

    // --- web dashboard ---
    /** An officer's dashboard session, by its random token (base64url, checked). */
    session: (token: string) => k('session', tokenPart(token)),

    // --- officers' reports and alerts ---
    /** A drop alert's episode for a group ("drop" or "missed"): set while it lasts, so it is told once. */
    alertEpisode: (gid: number, kind: 'drop' | 'missed') => g(gid, 'alert', kind),
    /** Officers (hash fields, by name) whose weekly report for this ISO week went out. */
    reportsSent: (week: string) => k('reports', weekPart(week)),
    /** The day's drop-alert check, taken by one instance. */
    alertsChecked: (day: string) => k('alerts', 'checked', dayPart(day)),
    // --- 错题本 and spaced repetition ---
    /** A group's wrong first answers to lesson questions in one ISO week: sorted set "<snapshot hash>:<question>" -> count. */
    missed: (gid: number, week: string) => g(gid, 'missed', weekPart(week)),
    /** A group's weekly reviews: sorted set day -> 0. */
    reviewDays: (gid: number) => g(gid, 'reviews'),
    /** A worker's recent wrong answers (我的错题): sorted set JSON record -> time of the answer. */
    mistakes: (wid: number) => k(`{w:${idPart(wid)}}`, 'mistakes'),
    /** A worker's questions to ask again privately: sorted set "<gid>|<hash>|<question>|<day missed>" -> due (epoch day). */
    repeats: (wid: number) => k(`{w:${idPart(wid)}}`, 'repeats'),
    /** The repetition a worker was last asked and has not answered yet. */
    repeatAsked: (wid: number) => k(`{w:${idPart(wid)}}`, 'asked'),
    /** Workers with a repetition due: sorted set wid -> the earliest day (epoch day) one may be sent. */
    repeatsDue: k('repeats', 'due'),

    // --- answer page ---
    /** The quiz an answer-page link opens, by the link's random token (base64url, checked). */
    answerToken: (token: string) => k('answer-link', tokenPart(token)),
  };
}

/** Open quizzes and pending claims are kept in sorted sets as "gid|day|kind". */
export const pushMember = (gid: number, day: string, kind: QuizKind = 'lesson'): string => `${idPart(gid)}|${dayPart(day)}|${kindPart(kind)}`;
export function parsePushMember(m: string): { gid: number; day: string; kind: QuizKind } {
  const [gid, day, kind] = m.split('|');
  return { gid: Number(gid), day, kind: kindPart(kind) };
}
