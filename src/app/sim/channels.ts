/** The channels a scenario runs on: the WeChat simulator, and the real robot adapters against their local protocol servers. */
export const simChannels = ['wechaty', 'wecom-sim', 'dingtalk-sim'] as const;
export type SimChannel = (typeof simChannels)[number];
