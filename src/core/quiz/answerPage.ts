import type { OrgTree } from '../org.ts';
import type { QuizRef, Store } from '../ports.ts';
import type { Clock } from '../time.ts';
import { parseAnswers, unclear } from './answers.ts';
import { recordSheet, type AnsweredQuizzes } from './record.ts';

/** A team's people by roster id; the roster import fills it (until then: the group's known members). */
export interface RosterReader {
  members(gid: number): Promise<{ id: string; name: string }[]>;
}

/** Unguessable links to one quiz, kept for a limited time. */
export interface AnswerTokens {
  create(ref: QuizRef): Promise<string>;
  find(token: string): Promise<QuizRef | undefined>;
}

/**
 * Until a roster is imported: the people who have answered in the group before, by the name they were
 * recorded under (which is also their id, so picking a name and typing it are the same person).
 */
export const knownMembers = (store: Store): RosterReader => ({
  members: async (gid) => (await store.members(gid)).map((m) => ({ id: m.name, name: m.name })),
});

/** What the page shows: never the right answers, which stay hidden until the summary. */
export interface QuizView {
  group: string;
  title: string;
  questions: { question: string; options: string[]; multi: boolean }[];
  members: { id: string; name: string }[];
  closed: boolean;
}

export type PageAnswer =
  | { kind: 'recorded'; late: boolean }
  | { kind: 'duplicate' }
  | { kind: 'bad'; error: string }
  | { kind: 'gone' };

export interface AnswerPageDeps {
  store: Store;
  org: OrgTree;
  clock: Clock;
  tokens: AnswerTokens;
  roster: RosterReader;
  /** Where the web adapter is reachable from workers' phones, e.g. https://banqian.example.cn */
  publicUrl: string;
  /** The bot's, so answers given here are acknowledged in the group too. */
  answered: AnsweredQuizzes;
}

/** The answer page for channels that hear nothing: the quiz message links here, and a tap records as a typed answer would. */
export class AnswerPage {
  constructor(private readonly d: AnswerPageDeps) {}

  /** A fresh link to this quiz, for the quiz message. */
  async link(ref: QuizRef): Promise<string> {
    return `${this.d.publicUrl.replace(/\/+$/, '')}/q/${await this.d.tokens.create(ref)}`;
  }

  async view(token: string): Promise<QuizView | undefined> {
    const quiz = await this.quiz(token);
    if (!quiz) return undefined;
    const { g, push, lesson } = quiz;
    return {
      group: g.topic,
      title: lesson.title,
      questions: lesson.quiz.map((q) => ({ question: q.question, options: q.options, multi: q.answer.length > 1 })),
      members: await this.d.roster.members(g.gid),
      closed: push.status === 'closed' || (push.closesAt !== undefined && this.d.clock.now() >= push.closesAt),
    };
  }

  /** Records `letters` (one entry per question: "B", "AC") for the roster member `memberId`. */
  async answer(token: string, memberId: string, letters: string[]): Promise<PageAnswer> {
    const at = this.d.clock.now();
    const quiz = await this.quiz(token);
    if (!quiz) return { kind: 'gone' };
    const { g, ref, lesson } = quiz;
    const id = memberId.trim();
    const members = await this.d.roster.members(g.gid);
    const member = members.find((m) => m.id === id);
    // With no roster yet and nobody known, a typed id is taken as it is, so the first answer can come in.
    if (!id || (!member && members.length)) return { kind: 'bad', error: `名单里没有编号“${id}”，请从名单里选择姓名，或联系班长` };
    // The same reading and checks as a typed "1B 2AC", so the page can't record what the chat would refuse.
    const sheet = letters.length === lesson.quiz.length ? parseAnswers(letters.map((l, i) => `${i + 1}${l}`).join(' '), lesson.quiz) : undefined;
    if (!sheet || sheet === unclear || sheet.some((s) => s === undefined)) return { kind: 'bad', error: '请每道题都选择答案（单选题只能选一个）' };
    const name = member?.name ?? id;
    const wid = await this.d.store.resolveWorker(g.gid, id, name);
    const outcome = await recordSheet(this.d, ref, lesson, { wid, name }, sheet, at);
    return outcome.recorded ? { kind: 'recorded', late: outcome.late } : { kind: 'duplicate' };
  }

  private async quiz(token: string) {
    const ref = await this.d.tokens.find(token);
    const [g, push] = ref ? await Promise.all([this.d.store.getGroup(ref.gid), this.d.store.getPush(ref.gid, ref.day, ref.kind)]) : [];
    const lesson = push && (await this.d.store.snapshot(push.lessonHash));
    return ref && g && push && lesson ? { ref, g, push, lesson } : undefined;
  }
}
