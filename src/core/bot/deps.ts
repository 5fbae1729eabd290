import type { EngagementSettings } from '../engage/features.ts';
import type { EngagementHook } from '../engage/hooks.ts';
import type { Library } from '../lessons/types.ts';
import type { Outbox } from './outbox.ts';
import type { OrgTree } from '../org.ts';
import type { Channel, ChannelStatus } from '../channel.ts';
import type { Logger, QuizRef, Store } from '../ports.ts';
import type { AnsweredQuizzes } from '../quiz/record.ts';
import type { EnrolCodes, Roster } from '../roster/roster.ts';
import type { CalendarOverrides } from '../schedule/calendar.ts';
import type { Pace, SendQueue } from '../send/queue.ts';
import type { Clock } from '../time.ts';

export interface BotSettings {
  botName: string;
  timezone: string;
  windowMinutes: number;
  workDays: number[];
  graceMinutes: number;
  /** A lesson the wave would deliver later than this past its time is held back and the group told. */
  lateCeilingMinutes: number;
  calendar: CalendarOverrides;
  pace: Pace;
  /** Names or platform user ids that may run leader commands in any group. */
  leaders: string[];
  /** At most one "已有 N 人作答" per this many minutes while a quiz is open (0 = never). */
  ackEveryMinutes: number;
  /** What "报名 07:50" without a course gives (a plan or track id). */
  defaultCourse: string;
  engagement: EngagementSettings;
  /** Several accounts see the same groups (`accounts.identity`): who acts for a group can change (failover). */
  sharedGroups: boolean;
}

/** Everything the bot's logic uses, handed in by the composition root. */
export interface BotDeps {
  store: Store;
  /** The chat platform; the bot reads its caps, never its name. */
  channel: Channel;
  queue: SendQueue;
  clock: Clock;
  /** The current lesson library (the composition root reloads it so edits apply the next day). */
  library: () => Library;
  settings: BotSettings;
  log: Logger;
  /** This process's id, for claims and heartbeats. */
  owner: string;
  /** The bot account this process sends as: its durable outbox is the account's. */
  account: string;
  /** The channel's latest status (up, or down and why); absent means always up. */
  status?: () => ChannelStatus;
  org: OrgTree;
  /** On a channel that hears nothing (a webhook): a link to the answer page for this quiz. */
  answerLink?: (ref: QuizRef) => Promise<string>;
  /** Who a user id is and which team they are in; one-time enrolment codes. */
  roster: Roster & EnrolCodes;
  /** The account's durable outbox, for anything sent that is not a lesson or a reply. */
  outbox: Outbox;
  /** The parts of the engagement loop, in the order the daily loop calls them. */
  hooks: EngagementHook[];
  /** Quizzes this process recorded answers for since their last acknowledgement (shared with the answer page). */
  answered: AnsweredQuizzes;
}
