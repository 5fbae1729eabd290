/** What the bot sends; each chat adapter turns these into its platform's messages. */
export type OutMessage =
  | { kind: 'text'; text: string }
  | { kind: 'image'; file: string }
  | { kind: 'link'; title: string; url: string }
  | QuizCard;

/** An interactive quiz card: a tap answers (WeCom vote_interaction / DingTalk card). */
export interface QuizCard {
  kind: 'card';
  /** Routes a tap back to its quiz: `q_<gid>_<day>_<kind>_<question>` (see core/quiz/cards.ts). */
  taskId: string;
  title: string;
  question: string;
  /** Option texts; where too long for a card the adapter shows letters and the lesson message has the text. */
  options: string[];
  multi: boolean;
}

export const text = (t: string): OutMessage => ({ kind: 'text', text: t });
