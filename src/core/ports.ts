/**
 * What the domain needs from the outside world. Adapters implement these; the core never
 * imports a chat SDK, a database client or a web framework.
 */

export type GroupStatus = 'active' | 'paused' | 'left';

export interface Group {
  gid: number;
  /** The chat platform's id for the room as last seen (may change across logins on some puppets). */
  roomId: string;
  topic: string;
  track: string;
  /** Push time, "HH:MM" in the configured zone. */
  time: string;
  /** ISO weekdays, 1 = Monday. */
  days: number[];
  windowMinutes: number;
  status: GroupStatus;
  /** File name of the last lesson pushed; the next one is the first valid lesson after it. */
  lastFile: string;
  /** Day of the latest push, the one answers go to. */
  current: string;
  /** Org path the group is bound to ('' = 未归属). */
  team: string;
  /** When the group was last enrolled or resumed: days due before it were never missed. */
  activeSince: number;
}

export type PushStatus = 'claimed' | 'sending' | 'sent' | 'closed' | 'skipped';

export interface Push {
  gid: number;
  day: string;
  lessonId: string;
  /** 1 for the group's first push, 2 for its second…; streaks count consecutive seqs. */
  seq: number;
  status: PushStatus;
  owner: string;
  claimedAt: number;
  sentAt?: number;
  closesAt?: number;
  closedAt?: number;
  /** Room members other than the bot when the quiz closed. */
  expected?: number;
  answered: number;
  correct: number;
  late: number;
}

export interface AnswerInput {
  gid: number;
  day: string;
  wid: number;
  name: string;
  lessonId: string;
  question: number;
  choice: string;
  correct: boolean;
  questionCount: number;
  at: number;
}

export type AnswerOutcome = { kind: 'duplicate' } | { kind: 'recorded'; onTime: boolean; points: number; streak: number };

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
  addLeader(gid: number, wid: number): Promise<void>;
  isLeader(gid: number, wid: number): Promise<boolean>;

  /** Claims (group, day) before anything is sent; undefined when someone already has it. */
  claimPush(g: Group, day: string, lesson: { id: string; file: string }, now: number, owner: string, reason: string): Promise<number | undefined>;
  /** Records that (group, day) was not sent (e.g. downtime beyond the grace window); true the first time. */
  skipPush(gid: number, day: string, now: number, reason: string): Promise<boolean>;
  /** Marks the push as on its way; after this it is never sent again, whatever happens. */
  startSending(gid: number, day: string, owner: string): Promise<boolean>;
  openQuiz(gid: number, day: string, sentAt: number, closesAt: number): Promise<void>;
  /** Pushes claimed by an instance whose heartbeat is older than `deadMs` and never started sending. */
  orphanedClaims(now: number, deadMs: number): Promise<{ gid: number; day: string; owner: string }[]>;
  reclaimPush(gid: number, day: string, oldOwner: string, newOwner: string, now: number, deadMs: number): Promise<boolean>;
  /** Heartbeats carry the injected clock's time, so liveness follows the simulator's clock too. */
  heartbeat(owner: string, now: number): Promise<void>;

  getPush(gid: number, day: string): Promise<Push | undefined>;
  pushesBetween(gid: number, fromDay: string, toDay: string): Promise<Push[]>;
  quizzesToClose(now: number): Promise<{ gid: number; day: string }[]>;
  /** Closes the quiz once; `closedNow` is true only for the caller that closed it. */
  closeQuiz(gid: number, day: string, now: number, expected: number): Promise<{ push: Push; closedNow: boolean } | undefined>;
  /** Takes a closed quiz off the list of quizzes to close (after its rollup is counted). */
  forgetQuiz(gid: number, day: string): Promise<void>;
  firstCorrect(gid: number, day: string, limit: number): Promise<string[]>;
  onTimeWorkers(gid: number, day: string): Promise<number[]>;

  recordAnswer(a: AnswerInput): Promise<AnswerOutcome>;
  /** Remembers that this worker was told how to answer this quiz; true the first time only. */
  markHinted(gid: number, day: string, wid: number): Promise<boolean>;
  /** Re-counts one push into the org rollups of these nodes (paths, root first); idempotent. */
  syncRollup(gid: number, day: string, nodePaths: string[]): Promise<void>;
  /** Every group ever enrolled with the org path it is bound to ('' = none): one small read. */
  teamBindings(): Promise<{ gid: number; team: string }[]>;
  groups(gids: number[]): Promise<Group[]>;
  /** Per day, the org node's rollup: totals and the per-lesson breakdown ("L:<lesson>:<figure>"). */
  rollups(nodePath: string, days: string[], fields?: string[]): Promise<Record<string, number>[]>;
  /** First answers of a push: "wid:question" -> "choice|correct(1/0)|onTime(1/0)". */
  firstAnswers(gid: number, day: string): Promise<Record<string, string>>;
  workerNames(wids: number[]): Promise<string[]>;
  memberStats(gid: number, wid: number): Promise<MemberStats | undefined>;
  /** Everyone who has answered in the group, by points. */
  members(gid: number): Promise<MemberStats[]>;
  rank(gid: number, wid: number): Promise<{ rank: number; of: number }>;
}

export interface RoomMember {
  id: string;
  name: string;
}

/** The chat platform as the bot's logic sees it. */
export interface ChatRooms {
  /** Room members other than the bot. */
  members(roomId: string): Promise<RoomMember[]>;
}

export interface Logger {
  info(obj: object | string, msg?: string): void;
  warn(obj: object | string, msg?: string): void;
  error(obj: object | string, msg?: string): void;
}
