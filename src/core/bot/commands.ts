/** A recognised chat command: its canonical name and the words after it. */
export interface ParsedCommand {
  name: CommandName;
  args: string[];
  /** Typed with "/" or after an @-mention of the bot: a mistake then deserves a reply. */
  explicit: boolean;
}

export const commandWords = {
  enroll: ['/enroll', '报名'],
  time: ['/time', '时间'],
  days: ['/days', '工作日'],
  window: ['/window', '答题时长'],
  pause: ['/pause', '暂停'],
  resume: ['/resume', '恢复'],
  leave: ['/leave', '退订'],
  push: ['/push', '立即推送'],
  status: ['/status', '统计'],
  leader: ['/leader', '班长'],
  team: ['/team', '班组'],
  me: ['/me', '我的'],
  help: ['/help', '帮助'],
} as const;

export type CommandName = keyof typeof commandWords;

const lookup = new Map<string, CommandName>(
  Object.entries(commandWords).flatMap(([name, words]) => words.map((w) => [w.toLowerCase(), name as CommandName] as const)),
);

/** Removes a leading or trailing "@bot" (WeChat puts a U+2005 space after mentions). */
export function stripMention(text: string, botName: string): { text: string; mentioned: boolean } {
  const at = `@${botName}`;
  let t = text.replace(/[\u2005\u00a0\u3000]/g, ' ').trim();
  let mentioned = false;
  if (t.startsWith(at)) {
    t = t.slice(at.length).trim();
    mentioned = true;
  } else if (t.endsWith(at)) {
    t = t.slice(0, -at.length).trim();
    mentioned = true;
  }
  return { text: t, mentioned };
}

/** Reads "/enroll safety 07:50", "报名 safety 07:50" or "／ME" as a command; anything else is not one. */
export function parseCommand(text: string, mentioned: boolean): ParsedCommand | undefined {
  if (text.length > 200) return undefined;
  const words = text.normalize('NFKC').trim().split(/\s+/);
  const head = words[0]?.toLowerCase() ?? '';
  const name = lookup.get(head);
  if (!name) return undefined;
  return { name, args: words.slice(1), explicit: head.startsWith('/') || mentioned };
}
