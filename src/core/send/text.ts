import type { ChannelCapabilities } from '../channel.ts';

const encoder = new TextEncoder();
export const utf8Bytes = (s: string): number => encoder.encode(s).length;

/** Characters a markdown renderer would read as formatting at any place in a line. */
const inlineSpecials = /[\\`*_[\]<>~|]/g;
/** Characters that start a heading, quote, list or numbered list only at the beginning of a line. */
const lineStart = /^(\s*)([#>+-])/gm;
const numberedLine = /^(\s*\d+)\./gm;

/**
 * Plain text as markdown that shows exactly that text: formatting characters are backslash-escaped.
 * DingTalk's markdown joins single line breaks, so each one is made a hard break there.
 */
export function escapeMarkdown(text: string, dialect: 'wecom' | 'dingtalk'): string {
  const escaped = text.replace(inlineSpecials, '\\$&').replace(lineStart, '$1\\$2').replace(numberedLine, '$1\\.');
  return dialect === 'dingtalk' ? escaped.replace(/\n/g, '  \n') : escaped;
}

/** What a markdown renderer shows of WeCom text escaped above: each backslash escape as its character (the WeCom demo's chat page). */
export const shownMarkdown = (markdown: string): string => markdown.replace(/\\([\s\S])/g, '$1');

/** Plain text as the channel sends it: as is, or as escaped markdown where the channel sends markdown. */
export const asSent = (text: string, caps: ChannelCapabilities): string => (caps.markdown === 'none' ? text : escapeMarkdown(text, caps.markdown));

/** Whether a text fits one message on this channel, measured in UTF-8 bytes as it will be sent. */
export function fits(text: string, caps: ChannelCapabilities): boolean {
  return utf8Bytes(asSent(text, caps)) <= (caps.markdown === 'none' ? caps.maxTextBytes : caps.maxMarkdownBytes);
}

/**
 * Packs blocks (a lesson's paragraphs, a quiz's questions) into as few messages as fit, joined by a
 * blank line. A block is never split while it fits one message, so a question stays whole; a block
 * too big for any message is split at paragraphs, then lines, then after punctuation ("、"), and only
 * as a last resort between characters.
 */
export function packBlocks(blocks: string[], caps: ChannelCapabilities): string[] {
  const out: string[] = [];
  let current = '';
  for (const block of blocks.flatMap((b) => (fits(b, caps) ? [b] : splitBlock(b, caps)))) {
    const joined = current ? `${current}\n\n${block}` : block;
    if (fits(joined, caps)) current = joined;
    else {
      if (current) out.push(current);
      current = block;
    }
  }
  if (current) out.push(current);
  return out;
}

/** Where a long line may break: after a list separator or punctuation, so a name stays whole. */
const breakAfter = /(?<=[、，,。；;：:！？\s])/u;

/** An oversized block as pieces that each fit: whole paragraphs, whole lines, whole phrases, then characters. */
function splitBlock(block: string, caps: ChannelCapabilities): string[] {
  for (const [sep, split] of [['\n\n', '\n\n'], ['\n', '\n'], ['', breakAfter]] as const) {
    const parts = block.split(split);
    if (parts.length > 1) return joinWhileFits(parts, sep, caps).flatMap((p) => (fits(p, caps) ? [p] : splitBlock(p, caps)));
  }
  return joinWhileFits([...block], '', caps);
}

function joinWhileFits(parts: string[], sep: string, caps: ChannelCapabilities): string[] {
  const out: string[] = [];
  let current: string | undefined;
  for (const part of parts) {
    const joined = current === undefined ? part : current + sep + part;
    if (current === undefined || fits(joined, caps)) current = joined;
    else {
      out.push(current);
      current = part;
    }
  }
  if (current !== undefined) out.push(current);
  return out;
}

/** A reply or notice as the messages it takes on this channel. */
export const splitText = (text: string, caps: ChannelCapabilities): string[] => packBlocks([text], caps);
