/**
 * What the domain needs from the outside world. Adapters implement these; the core never
 * imports a chat SDK, a database client or a web framework.
 */

import type { LessonSnapshot } from './lessons/snapshot.ts';
import type { OutMessage } from './messages.ts';
import type { Target } from './send/queue.ts';

/** The day's lesson quiz, or the group's weekly review (周复习) of its most-missed questions. */
export type QuizKind = 'lesson' | 'review';

export type GroupStatus = 'active' | 'paused' | 'left';

export interface Group {
  gid: number;
  /** The chat platform's id for the room as last seen (may change across logins on some puppets). */
  roomId: string;
  topic: string;
  /** The course it follows: a plan id (e.g. zonghe) or a track id. */
  track: string;
  /** The course's title when the group enrolled, for officers' pages that never read lesson files. */
  courseTitle?: string;
  /** Push time, "HH:MM" in the configured zone. */
  time: string;
  /** ISO weekdays, 1 = Monday. */
  days: number[];
  windowMinutes: number;
  status: GroupStatus;
  /** Day the current round of its course began ('' = its first round): lessons had since then are not repeated. */
  cycleSince: string;
  /** Which round of its course the group is in (1 = the first). */
  cycle: number;
  /** Lessons pushed to the group so far: the next is "第 lessons+1 课". */
  lessons: number;
  /** Day of the latest push, the one answers go to. */
  current: string;
  /** Org path the group is bound to ('' = 未归属). */
  team: string;
  /** When the group was last enrolled or resumed: days due before it were never missed. */
  activeSince: number;
  /** The leader's settings beyond the schedule (e.g. engage.reminder = "off", reminderMinutes = "20"). */
  options: Record<string, string>;
  /** The bot account that owns the group ('' = enrolled before there were several: the reading process's). */
  account: string;
  /** The account acting for it while its owner is down (see core/accounts); absent when the owner acts. */
  taker?: string;
}

/** What each process reports of its bot account, so the others can take over its groups when it is down. */
export interface AccountState {
  account: string;
  /** The reporting process (an account may have a standby process too). */
  process: string;
  /** The robot's name in chats (what people @). */
  name: string;
  up: boolean;
  /** Why it is down: logged out, banned, disconnected. */
  reason?: string;
  /** Since when it has been up or down (ms). */
  since: number;
  /** The process's last report (ms); a process killed outright stops reporting. */
  beat: number;
}

export type PushStatus = 'claimed' | 'sending' | 'sent' | 'closed' | 'skipped';

/** Which quiz: (group, day, kind). Answers, closing and summaries are routed by it explicitly. */
export interface QuizRef {
  gid: number;
  day: string;
  kind: QuizKind;
}

export interface Push extends QuizRef {
  lessonId: string;
  /** Content hash of the lesson snapshot this push sent; answers and summaries read that, never the live file. */
  lessonHash: string;
  /** Index of the next of the push's stored messages to send. */
  next: number;
  /** Why it was claimed or skipped (schedule, catch-up, manual, missed). */
  reason: string;
  completesRound: boolean;
  /** 1 for the group's first push, 2 for its second…; streaks count consecutive seqs. */
  seq: number;
  status: PushStatus;
  owner: string;
  claimedAt: number;
  sentAt?: number;
  closesAt?: number;
  closedAt?: number;
  /** People expected to answer when the quiz closed (see quiz/participants.ts). */
  expected?: number;
  /** Where `expected` came from: roster, headcount, room or answerers. */
  expectedSource?: string;
  /** People left out of `expected` because they were on leave (请假) that day. */
  leave?: number;
  answered: number;
  correct: number;
  late: number;
  /** The last "已有 N 人作答": when, and the N it said. */
  ackAt?: number;
  ackCount: number;
  /** The reminder before the close was taken (engage/remind.ts). */
  reminded: boolean;
}

export interface AnswerInput extends QuizRef {
  wid: number;
  name: string;
  lessonId: string;
  /** The snapshot the question comes from: wrong answers are remembered by it (错题本, repetition). */
  lessonHash: string;
  question: number;
  choice: string;
  correct: boolean;
  questionCount: number;
  at: number;
  /**
   * The quiz came from answerTarget (a typed answer): the write then checks that it is still the group's
   * latest quiz, and says 'moved' when it is not, so a cached target is never written to after it changed.
   */
  routed?: boolean;
}

export type AnswerOutcome = { kind: 'duplicate' } | { kind: 'moved' } | { kind: 'recorded'; onTime: boolean; points: number; streak: number };

/** Where a typed answer in a group goes: the group's latest quiz (its review while that is open) and the snapshot it sent. */
export interface AnswerTarget {
  ref: QuizRef;
  lessonHash: string;
}

export interface MemberStats {
  wid: number;
  name: string;
  points: number;
  /** Lessons answered on time, lessons with every question right, lessons answered late. */
  answered: number;
  correct: number;
  late: number;
  streak: number;
  lastSeq: number;
  /** Lessons answered on time, by the lesson's month ("2026-12"): 我的's 本月参与. */
  joined: Record<string, number>;
  /** Badges earned here (e.g. "streak10", "full:2026-11"); see engage/badges.ts. */
  badges: string[];
}

export interface Store {
  /** The stable id of a room / worker; see README "Identity". */
  resolveGroup(roomId: string, topic: string, ownerName: string): Promise<number>;
  resolveWorker(gid: number | undefined, contactId: string, name: string): Promise<number>;
  lookupWorkers(gid: number, contactIds: string[], names: string[]): Promise<(number | undefined)[]>;
  workerGroups(wid: number): Promise<number[]>;

  getGroup(gid: number): Promise<Group | undefined>;
  saveGroup(group: Group): Promise<void>;
  activeGroups(): Promise<Group[]>;
  /** Ids of active groups whose push time (minute of the day) is in [from, to]; from > to wraps past midnight. */
  dueGroups(fromMinute: number, toMinute: number): Promise<number[]>;
  /** The first push time (minute of the day) of an active group at or after `fromMinute`, wrapping past midnight. */
  nextDueMinute(fromMinute: number): Promise<number | undefined>;
  /** The platform id a private message to this worker goes to (the id they last spoke as), if known here. */
  contactOf(wid: number): Promise<string | undefined>;
  /** Takes one of the group's engagement messages for the day; false when the day's cap is reached. */
  spendBudget(gid: number, day: string, cap: number): Promise<boolean>;
  /** Starts a group's drop-alert episode; true only when it was not already going (the officer is told once). */
  startAlert(gid: number, kind: 'drop' | 'missed'): Promise<boolean>;
  /** Ends the episode: the next drop is a new one. */
  endAlert(gid: number, kind: 'drop' | 'missed'): Promise<void>;
  /** Records that an officer's weekly report went out; true the first time for that week. */
  markReportSent(week: string, officer: string): Promise<boolean>;
  /** Takes the day's drop-alert check; true for one caller a day. */
  takeAlertCheck(day: string): Promise<boolean>;
  /** Sets one of the group's options (see Group.options). */
  setGroupOption(gid: number, name: string, value: string): Promise<void>;
  /** Claims an engagement post (or check) for a group once per tag (e.g. "pk:2026-W50"); true the first time. */
  onceFor(gid: number, tag: string, day: string): Promise<boolean>;
  /** The group's top earners of a month (the lesson's month), most points first. */
  monthPoints(gid: number, month: string, limit: number): Promise<{ wid: number; points: number }[]>;
  /** Gives a worker a badge once; returns the day it was first given (this day when it is new). */
  awardBadge(gid: number, wid: number, badge: string, day: string): Promise<string>;
  addLeader(gid: number, wid: number): Promise<void>;
  isLeader(gid: number, wid: number): Promise<boolean>;
  /** The group's leaders the store knows (added with 班长 添加, by a code, or who enrolled or set it up). */
  leaders(gid: number): Promise<number[]>;
  /** Marks the quiz as reminded before its close; true the first time only (across instances). */
  markReminded(ref: QuizRef): Promise<boolean>;
  /** The reminders index: a quiz's reminder is due at `at` (a new time replaces the old). */
  scheduleReminder(ref: QuizRef, at: number): Promise<void>;
  remindersDue(now: number): Promise<QuizRef[]>;
  dropReminder(ref: QuizRef): Promise<void>;
  /** When the first reminder in the index is due. */
  nextReminder(): Promise<number | undefined>;

  /** Stores a lesson as sent, once per content hash. */
  saveSnapshot(snapshot: LessonSnapshot): Promise<void>;
  snapshot(hash: string): Promise<LessonSnapshot | undefined>;
  /** Lessons the group has had: lesson id -> day of its latest push. */
  history(gid: number): Promise<Map<string, string>>;

  /**
   * Claims (group, day) before anything is sent, with the messages to send and the lesson snapshot,
   * and records the lesson in the group's history. Returns the push's seq; 'taken' when someone already
   * has the day (a manual push may take over a skipped day); 'retry' when another day's push took the
   * planned lesson meanwhile, or the group's lesson count is no longer `g.lessons`.
   */
  claimPush(g: Group, day: string, plan: PushPlan, now: number, owner: string, reason: string): Promise<number | 'taken' | 'retry'>;
  /** Records that (group, day) was not sent (e.g. downtime beyond the grace window); true the first time. */
  skipPush(gid: number, day: string, now: number, reason: string): Promise<boolean>;
  /** The push's stored messages and the index of the next one to send. */
  pushMessages(ref: QuizRef): Promise<{ messages: OutMessage[]; next: number; target: Target } | undefined>;
  /** Before message `index` goes out: true while this instance owns the push and `index` is the next unsent one. */
  beginMessage(ref: QuizRef, owner: string, index: number): Promise<boolean>;
  /** After message `index` went out: the next one to send is `index + 1`. */
  messageSent(ref: QuizRef, owner: string, index: number): Promise<void>;
  openQuiz(ref: QuizRef, owner: string, sentAt: number, closesAt: number): Promise<void>;
  /** Pushes claimed, or partly sent, by an instance whose heartbeat is older than `deadMs`. */
  orphanedClaims(now: number, deadMs: number): Promise<(QuizRef & { owner: string })[]>;
  /** Whether an instance other than `except`, live or dead, has a push claimed and not yet sent. */
  hasPendingClaims(except: string): Promise<boolean>;
  /** Takes over a push still claimed by `oldOwner` (found dead by orphanedClaims). */
  reclaimPush(ref: QuizRef, oldOwner: string, newOwner: string, now: number): Promise<boolean>;
  /** Heartbeats carry the injected clock's time, so liveness follows the simulator's clock too. */
  /**
   * The time liveness (heartbeats, accounts' reports) is judged by: Redis's clock where each process keeps its
   * own (production), else `now` (one clock shared by every process: the simulator, tests).
   */
  sharedNow(now: number): Promise<number>;
  /** This instance is alive for `deadMs` from now. */
  heartbeat(owner: string, now: number, deadMs: number): Promise<void>;

  /** Adds an item to the account's durable outbox once per id (a repeated id, even after delivery, is ignored). */
  outboxAdd(account: string, item: OutboxItem): Promise<boolean>;
  /** The oldest waiting items, highest priority first. */
  outboxPending(account: string, limit: number): Promise<OutboxItem[]>;
  /** Takes the item for sending; false when another instance holds a live lease on it or it is done. */
  outboxLease(account: string, id: string, owner: string, now: number, leaseMs: number): Promise<boolean>;
  outboxDone(account: string, id: string, now: number): Promise<void>;
  /** Decides, once across instances, whether the quiz is due an "已有 N 人作答" now; records it when so. */
  ackDue(ref: QuizRef, now: number, everyMs: number): Promise<number | undefined>;

  getPush(gid: number, day: string, kind?: QuizKind): Promise<Push | undefined>;
  /**
   * The quiz a typed answer in the group goes to (none before its first push). Kept in-process, since every
   * answer asks; `fresh` reads Redis. A cached one may be out of date: recordAnswer with `routed` checks it.
   */
  answerTarget(gid: number, fresh?: boolean): Promise<AnswerTarget | undefined>;
  pushesBetween(gid: number, fromDay: string, toDay: string): Promise<Push[]>;
  /** Open quizzes; with `now`, only those whose window has ended. */
  openQuizzes(now?: number): Promise<QuizRef[]>;
  /** When the first open quiz closes. */
  nextClose(): Promise<number | undefined>;
  /** Closes the quiz once; `closedNow` is true only for the caller that closed it. */
  closeQuiz(ref: QuizRef, now: number, expected: number, source?: string, leave?: number): Promise<{ push: Push; closedNow: boolean } | undefined>;
  /** Takes a closed quiz off the list of open quizzes (after its rollup and summary are safe). */
  forgetQuiz(ref: QuizRef): Promise<void>;
  firstCorrect(gid: number, day: string, limit: number, kind?: QuizKind): Promise<string[]>;
  onTimeWorkers(gid: number, day: string): Promise<number[]>;

  recordAnswer(a: AnswerInput): Promise<AnswerOutcome>;
  /** Puts a worker on leave (请假) on these days of the group, with the reason ('' for none). */
  addLeave(gid: number, wid: number, days: string[], reason: string): Promise<void>;
  /** Cancels a worker's leave (销假) from this day on; the days that were cancelled. */
  cancelLeave(gid: number, wid: number, fromDay: string): Promise<string[]>;
  /** Who is on leave in the group on a day: wid -> reason. */
  onLeave(gid: number, day: string): Promise<Map<number, string>>;
  /** After a close: workers on leave who did not answer keep their streak (neither reset nor lengthened). */
  keepStreaks(ref: QuizRef, wids: number[]): Promise<void>;
  /** Remembers that this worker was told how to answer this quiz; true the first time only. */
  markHinted(ref: QuizRef, wid: number): Promise<boolean>;
  /** Re-counts one push into the org rollups of these nodes (paths, root first); idempotent. */
  syncRollup(gid: number, day: string, nodePaths: string[]): Promise<void>;
  /** Every group ever enrolled with the org path it is bound to ('' = none): one small read. */
  teamBindings(): Promise<{ gid: number; team: string }[]>;
  groups(gids: number[]): Promise<Group[]>;
  /** Per day, the org node's rollup: the `fields` asked (totals), or without them the per-lesson breakdown ("L:<lesson>:<figure>"). */
  rollups(nodePath: string, days: string[], fields?: string[]): Promise<Record<string, number>[]>;
  /** First answers of a push: "wid:question" -> "choice|correct(1/0)|onTime(1/0)". */
  firstAnswers(gid: number, day: string, kind?: QuizKind): Promise<Record<string, string>>;
  workerNames(wids: number[]): Promise<string[]>;
  memberStats(gid: number, wid: number): Promise<MemberStats | undefined>;
  /** Many members at once (one round trip), in the order asked. */
  memberStatsOf(members: { gid: number; wid: number }[]): Promise<(MemberStats | undefined)[]>;
  /**
   * Each group's figures over the days from–to (inclusive), from the rollups the write path keeps: its team
   * figures over closed quizzes and each worker's with a first answer in the range (with `rows` false, only
   * how many: a district's page lists a few groups' workers). No answer is read.
   */
  figuresBetween(gids: number[], fromDay: string, toDay: string, rows?: boolean): Promise<RangeFigures[]>;
  /** Everyone who has answered in the group, by points. */
  members(gid: number): Promise<MemberStats[]>;
  /**
   * The workers whose streak reached the push numbered `seq` (they answered it, or kept their streak on leave,
   * and nothing later yet), longest streak first, then by id; at most `limit`. Read from an index of streaks.
   */
  streaksAt(gid: number, seq: number, limit?: number): Promise<{ wid: number; name: string; streak: number }[]>;
  rank(gid: number, wid: number): Promise<{ rank: number; of: number }>;

  // --- many accounts (core/accounts) ---
  /** Gives an unowned group to this account (the first to claim wins); returns the group's owner. */
  claimGroup(gid: number, account: string): Promise<string>;
  /**
   * In a group nobody owns yet, where several accounts hear every message: true for the first account to claim
   * this message (sender, words) heard at `at`, so one robot answers it. The same words from the same sender a
   * minute later are a new message.
   */
  claimMessage(gid: number, message: string, at: number): Promise<boolean>;
  /** Records that an account is in the group (it heard or saw it). */
  notePresent(gid: number, account: string): Promise<void>;
  presentAccounts(gid: number): Promise<string[]>;
  /** The groups an account owns. */
  accountGroups(account: string): Promise<number[]>;
  /** The account's groups another account is acting for now. */
  takenFrom(account: string): Promise<number[]>;
  /** Hands the group from taker `from` to `to` ('' = its owner); false when the owner or the taker is no longer what the caller saw. */
  setTaker(gid: number, owner: string, from: string, to: string): Promise<boolean>;
  reportAccount(state: AccountState): Promise<void>;
  /** Every process's latest report. */
  accountStates(): Promise<AccountState[]>;
  /** Forgets a process's report (one long gone). */
  dropAccountState(account: string, process: string): Promise<void>;

  // --- 错题本 and spaced repetition (engage/review.ts, engage/repetition.ts) ---
  /** The group's wrong first answers to lesson questions over these ISO weeks, most-missed first. */
  missedQuestions(gid: number, weeks: string[]): Promise<MissedQuestion[]>;
  /** Opens a review quiz on (group, day) with its own snapshot and window; false when it already exists. */
  openReview(ref: QuizRef, snapshot: LessonSnapshot, now: number, closesAt: number): Promise<boolean>;
  /** The group's reviews between two days (inclusive). */
  reviewsBetween(gid: number, fromDay: string, toDay: string): Promise<Push[]>;
  /** A worker's wrong answers since `since` (ms), newest first. */
  mistakes(wid: number, since: number, limit: number): Promise<Mistake[]>;
  /** Workers with a repetition due on or before this epoch day. */
  repetitionsDue(epochDay: number, limit: number): Promise<number[]>;
  /** Takes the worker's earliest due repetition (at most one a day) and remembers it as asked. */
  takeRepetition(wid: number, epochDay: number): Promise<Repetition | undefined>;
  /** The repetition the worker was asked and has not answered. */
  askedRepetition(wid: number): Promise<Repetition | undefined>;
  /** Settles an asked repetition once: a right answer clears it, a wrong one keeps its schedule. */
  settleRepetition(wid: number, r: Repetition, correct: boolean): Promise<boolean>;
}

export interface MissedQuestion {
  hash: string;
  question: number;
  wrong: number;
}

/** One wrong first answer of a worker (我的错题). */
export interface Mistake {
  gid: number;
  day: string;
  kind: QuizKind;
  hash: string;
  question: number;
  choice: string;
  at: number;
}

/** A question a worker got wrong, asked again privately 3 and 10 days after `missed`. */
export interface Repetition {
  gid: number;
  hash: string;
  question: number;
  /** The day of the wrong answer. */
  missed: string;
}

/** What a push stores when it is claimed. */
export interface PushPlan {
  snapshot: LessonSnapshot;
  messages: OutMessage[];
  target: Target;
  /** This push starts a new round of the course (every rotation lesson had been sent). */
  newCycle: boolean;
  /** This push sends the round's last unsent lesson: its summary tells the group what comes next. */
  completesRound: boolean;
  /** The lesson must not have been had since this day ('' = in the current round); a dated lesson's is a year. */
  freshSince: string;
}

/** A message batch that must survive a crash: a summary, a notice, an acknowledgement. */
export interface OutboxItem {
  /** Unique per item, e.g. "summary:12:2026-12-07:lesson": adding it again does nothing. */
  id: string;
  target: Target;
  messages: OutMessage[];
  createdAt: number;
  /** Rankings go after everything else; the rest as 'other' (the default). */
  priority?: 'other' | 'ranking';
}

export interface RoomMember {
  id: string;
  name: string;
}

export interface Logger {
  info(obj: object | string, msg?: string): void;
  warn(obj: object | string, msg?: string): void;
  error(obj: object | string, msg?: string): void;
}

/** A group's figures over a range of days (Store.figuresBetween). */
export interface RangeFigures {
  gid: number;
  /** Closed lesson quizzes: lessons, expected, answered, correct, late, leave; closed reviews apart. */
  team: { lessons: number; expected: number; answered: number; correct: number; late: number; leave: number; review: { quizzes: number; answered: number; correct: number } };
  /** The group's name and org path as getGroup has them; undefined when there is no such group. */
  group: Pick<Group, 'topic' | 'team'> | undefined;
  /** Workers with a first answer in the range. */
  workerCount: number;
  /** Per worker: lessons answered on time, lessons all right, points (reviews' and late answers' too); empty unless `rows` was asked. */
  workers: { wid: number; answered: number; correct: number; points: number }[];
}
