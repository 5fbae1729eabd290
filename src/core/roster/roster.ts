/**
 * The roster: who a platform user id is (name) and which team they belong to. Officers import it from
 * their spreadsheet; platforms that give names (DingTalk's senderNick, Wechaty) fill names as people speak.
 * Entries are keyed by (platform, bot account, user id), like the store's identity.
 */
export interface RosterEntry {
  /** The platform's user id (WeCom userid, DingTalk staffId, or whatever the channel reports). */
  id: string;
  name: string;
  /** Org path of the team (a leaf of the org tree). */
  team: string;
}

export interface Roster {
  /** Replaces the imported roster with these entries, all at once. */
  replace(entries: RosterEntry[]): Promise<void>;
  /** Display names: the imported name first, else the name last heard on the platform. */
  names(ids: string[]): Promise<(string | undefined)[]>;
  /** The imported names only (one read less where the platform has just given the name it would fall back to). */
  importedNames(ids: string[]): Promise<(string | undefined)[]>;
  /** Remembers the name a platform gave with a message (only written when new or changed). */
  heard(id: string, name: string): Promise<void>;
  /** The imported members of one team. */
  team(path: string): Promise<RosterEntry[]>;
  /** The head count a leader set for a group (`人数 12`); undefined when none. */
  headcount(gid: number): Promise<number | undefined>;
  setHeadcount(gid: number, count: number | undefined): Promise<void>;
}

/** One-time enrolment codes: an officer issues one for a team, a leader uses it once in 报名. */
export interface EnrolCodes {
  issue(team: string, now: number): Promise<{ code: string; expiresAt: number }>;
  /**
   * Uses a code once. Wrong (or expired) tries are counted per group and per sender; past the limit every
   * try is refused until the window ends, right code or not.
   */
  use(code: string, gid: number, wid: number, now: number): Promise<CodeOutcome>;
}

export type CodeOutcome = { kind: 'ok'; team: string } | { kind: 'wrong' } | { kind: 'expired' } | { kind: 'locked'; until: number };

export const codeDays = 7;
export const codeTries = { max: 5, windowMs: 3_600_000 };
export const codePattern = /^\d{6}$/;
