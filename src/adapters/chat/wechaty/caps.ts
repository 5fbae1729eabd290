import type { ChannelCapabilities } from '../../../core/channel.ts';

/**
 * (Apart from the adapter, so that quick commands like `lessons preview` need not load Wechaty.)
 *
 * What a personal WeChat account can do: it hears every group message, sees names and lists members,
 * but has no cards; long texts are split well below WeChat's own limit, and a fast sender gets banned.
 */
export const wechatyCaps: ChannelCapabilities = {
  hears: 'all',
  cards: false,
  listMembers: true,
  senderNames: true,
  privateMessages: true,
  // About 1,800 Chinese characters: WeChat takes more, but a longer message is hard to read on a phone.
  maxTextBytes: 5400,
  maxMarkdownBytes: 5400,
  perMinute: 20,
  ratePer: 'account',
  markdown: 'none',
};
