/** A recognised chat command: its canonical name and the words after it. */
export interface ParsedCommand {
  name: CommandName;
  args: string[];
  /** Typed with "/", after an @-mention of the bot or in a private chat: it always gets a reply. */
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
  confirmLeave: ['确认退订'],
  push: ['/push', '立即推送'],
  status: ['/status', '统计'],
  headcount: ['/headcount', '人数'],
  leader: ['/leader', '班长'],
  team: ['/team', '班组'],
  me: ['/me', '我的'],
  help: ['/help', '帮助'],
  absence: ['/absence', '请假'],
  cancelAbsence: ['销假'],
  remind: ['/remind', '提醒'],
  digest: ['/digest', '日报'],
  mistakes: ['/mistakes', '我的错题'],
  features: ['/features', '功能'],
} as const;

export type CommandName = keyof typeof commandWords;

/** What the bot knows that decides whether a bare word is a command: its tracks and its org tree. */
export interface CommandVocabulary {
  /** A plan or track id or Chinese title. */
  isCourse(word: string): boolean;
  /** A node of the org tree (name or path). */
  isOrgNode(query: string): boolean;
}

const lookup = new Map<string, CommandName>(
  Object.entries(commandWords).flatMap(([name, words]) => words.map((w) => [w.toLowerCase(), name as CommandName] as const)),
);

/** "07:50", "7:50", "8点", "0750": time-shaped, right or wrong ("25:00" is an attempt with a bad value). */
const timeShaped = /^\d{1,2}\s*[:.点时]\s*(\d{1,2}\s*分?)?$|^\d{3,4}$/;
export const isTimeShaped = (word: string): boolean => timeShaped.test(word);
const enrolCode = /^\d{6}$/;
/** "1-5", "1,3,5", "周一到周五", "星期一至星期六". */
const daysShaped = /^[\d,、\-~—–至到和及周星期一二三四五六日天]+$/;
/** Team-like: a path, or a name ending the way team and workshop names end ("不存在的班"; "周五聚餐" is not). */
const teamShaped = /\/|^\S{1,20}(班|组|队|车间|工段)$/;

/**
 * Whether the words after a bare command word are arguments of its shape. Everything else is people
 * talking ("暂停 一下，先开会", "我的 天啊", "时间 到了"); a right shape with a bad value ("时间 25:00") is
 * an attempt and gets the usage line.
 */
const shapes: Record<CommandName, (args: string[], v: CommandVocabulary) => boolean> = {
  enroll: ([course, time, ...rest], v) =>
    // "报名 07:50 [报名码]" takes the default course; else "报名 课程 时间 [报名码]".
    timeShaped.test(course ?? '')
      ? !time || (enrolCode.test(time) && !rest.length)
      : !!course && (!rest.length || (rest.length === 1 && enrolCode.test(rest[0]))) && (v.isCourse(course) || /^[a-z][\w-]*$/i.test(course) || timeShaped.test(time ?? '')),
  time: (args) => args.length === 1 && timeShaped.test(args[0]),
  days: (args) => args.length > 0 && daysShaped.test(args.join('')),
  window: (args) => args.length === 1 && /^\d+\s*(分钟?|min)?$/i.test(args[0]),
  pause: (args) => !args.length,
  resume: (args) => !args.length,
  leave: (args) => !args.length,
  confirmLeave: (args) => !args.length,
  push: (args) => !args.length,
  status: (args) => !args.length,
  headcount: (args) => args.length === 1 && /^\d+\s*人?$/.test(args[0]),
  leader: ([verb]) => /^(add|添加|请假|absence)$/i.test(verb ?? ''),
  team: (args, v) => args.length > 0 && (v.isOrgNode(args.join(' ')) || teamShaped.test(args.join(' '))),
  me: (args) => !args.length,
  help: (args) => !args.length,
  // "请假 3 回老家", "请假 12-08..12-10", "请假 取消"; "请假 的事" is talk.
  absence: ([first]) => /^(\d|(取消|cancel|开|关|on|off)$)/i.test(first ?? ''),
  cancelAbsence: (args) => !args.length,
  remind: (args) => args.length === 1 && /^(\d+\s*(分钟?|min)?|开|关|开启|关闭|on|off)$/i.test(args[0]),
  digest: (args) => args.length === 1 && /^(开|关|开启|关闭|on|off)$/i.test(args[0]),
  mistakes: (args) => !args.length,
  // "功能", "功能 周复习 关"; "功能 还挺多" is talk.
  features: (args) => !args.length || (args.length === 2 && /^(开|关|开启|关闭|on|off)$/i.test(args[1])),
};

const noVocabulary: CommandVocabulary = { isCourse: () => false, isOrgNode: () => false };

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

/**
 * Reads "/enroll safety 07:50", "报名 安全生产 07:50", "统计。" or "／ME" as a command. A bare Chinese word
 * counts only with arguments of its shape; anything else is chat and returns undefined. With "/", an
 * @-mention or in a private chat (`addressed`), a command word always counts.
 */
export function parseCommand(text: string, addressed: boolean, vocabulary: CommandVocabulary = noVocabulary): ParsedCommand | undefined {
  if (text.length > 200) return undefined;
  const words = text.normalize('NFKC').trim().replace(/[。.!~]+$/, '').split(/\s+/);
  const head = words[0]?.toLowerCase() ?? '';
  const name = lookup.get(head);
  if (!name) return undefined;
  const args = words.slice(1);
  const explicit = head.startsWith('/') || addressed;
  if (!explicit && !shapes[name](args, vocabulary)) return undefined;
  return { name, args, explicit };
}
