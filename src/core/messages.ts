/** What the bot sends; the chat adapter turns each into a WeChat text, image or link card. */
export type OutMessage =
  | { kind: 'text'; text: string }
  | { kind: 'image'; file: string }
  | { kind: 'link'; title: string; url: string };

export const text = (t: string): OutMessage => ({ kind: 'text', text: t });
