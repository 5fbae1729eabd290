import { describe, expect } from 'vitest';
import { connectRedis } from '../../src/adapters/store/redis/connect.ts';
import { RedisRoster } from '../../src/adapters/store/redis/roster.ts';
import { RedisStore } from '../../src/adapters/store/redis/store.ts';
import { loadOrg } from '../../src/config/org.ts';
import { wechatyCaps } from '../../src/adapters/chat/wechaty/caps.ts';
import { Banqian } from '../../src/core/bot/bot.ts';
import { Outbox } from '../../src/core/bot/outbox.ts';
import type { Channel } from '../../src/core/channel.ts';
import type { Incoming } from '../../src/core/bot/context.ts';
import { LibraryWatcher } from '../../src/core/lessons/load.ts';
import { SendQueue } from '../../src/core/send/queue.ts';
import { redisTest, redisUrl } from '../helpers/redis.ts';
import { fixtureLessons, silentLog, testConfig } from '../helpers/sim.ts';

/**
 * The bot's logic as an @-only platform drives it: senders known by user id with no name, members that
 * cannot be listed, and mentions that carry ids. No chat SDK is involved; the port is the Incoming message.
 */
function atOnlyBot(prefix: string, leaders: string[]) {
  const config = testConfig();
  const store = new RedisStore(connectRedis(redisUrl()), { prefix, platform: 'wecom', account: 'bot1', unstableIds: false, points: config.points });
  const roster = new RedisRoster(store);
  const queue = new SendQueue({ perMinute: 20, roomGapSeconds: [0, 0] });
  const lessons = new LibraryWatcher(fixtureLessons, () => {});
  lessons.refresh();
  let now = Date.parse('2026-12-07T07:00:00+08:00');
  const channel = {
    caps: { ...wechatyCaps, hears: 'mentions', listMembers: false, senderNames: false },
    members: async () => Promise.reject(new Error('this platform cannot list members')),
  } as unknown as Channel;
  const clock = { now: () => now };
  const bot = new Banqian({
    store, queue, log: silentLog, owner: 'test', account: 'bot1', org: loadOrg('config/org.yaml'), roster, hooks: [], answered: new Map(),
    outbox: new Outbox({ store, queue, clock, account: 'bot1', owner: 'test', channel }),
    // Only what the bot's logic reads of an @-only platform: its capabilities and a member list it can't give.
    channel,
    clock,
    library: () => lessons.library,
    settings: {
      botName: config.botName, timezone: config.timezone, windowMinutes: 120, workDays: [1, 2, 3, 4, 5], graceMinutes: 30, lateCeilingMinutes: 30,
      calendar: config.schedule, pace: queue.pace, leaders, ackEveryMinutes: 0, defaultCourse: 'zonghe', engagement: config.engagement, sharedGroups: false,
    },
  });
  /** One @-message from a user id in chat "c1"; returns the bot's replies. */
  const say = async (from: string, text: string, mentions?: Incoming['mentions']): Promise<string[]> => {
    now += 60_000;
    await bot.handle({ room: { id: 'c1', topic: 'c1' }, sender: { id: from, name: '' }, text: `@${config.botName} ${text}`, mentioned: true, mentions, at: now });
    const out: string[] = [];
    await queue.pump(() => Infinity, async (_t, m) => void out.push(m.kind === 'text' ? m.text : m.kind), () => {});
    return out;
  };
  return { say, roster, close: () => store.redis.disconnect() };
}

describe('leaders by platform user id', () => {
  redisTest('config leaders are user ids; 班长 添加 @… takes the id from the mention and shows the roster name; without either name a sender is shown by id', async ({ prefix }) => {
    const { say, roster, close } = atOnlyBot(prefix, ['boss01']);
    try {
      await roster.replace([{ id: 'u7', name: '孙伟', team: '江都区总工会/江都机械有限公司/总装车间/总装车间一班' }]);
      expect(await say('u7', '时间 08:00')).toEqual(['本群还没有报名。请群主或班长发送“报名 时间”（学综合课程），例如：报名 07:50；或“报名 课程 时间”，例如：报名 safety 07:50']);
      expect((await say('boss01', '报名 demo 07:50'))[0]).toMatch(/^已报名《测试课程》/);
      expect(await say('u7', '时间 08:00')).toEqual(['抱歉，只有群主或班长可以设置本群。']);
      // Without a mention's id there is no member list to look a name up in.
      expect(await say('boss01', '班长 添加 @孙伟')).toEqual(['群里没有找到“孙伟”。']);
      expect(await say('boss01', '班长 添加 @孙伟', [{ id: 'u7' }])).toEqual(['已添加 孙伟 为班长，可以设置本群。']);
      expect(await say('u7', '时间 08:00')).toEqual(['好的，以后每个工作日 08:00 推送。']);
      // Without a roster entry or a platform name, the user id is the name.
      expect((await say('u8', '我的'))[0].split('\n')[0]).toBe('【我的学习】u8');
      expect((await say('u7', '我的'))[0].split('\n')[0]).toBe('【我的学习】孙伟');
    } finally {
      close();
    }
  });

  redisTest('班长 请假 takes the worker from the mention, with or without the name in the text', async ({ prefix }) => {
    const { say, close } = atOnlyBot(prefix, ['boss01']);
    try {
      await say('boss01', '报名 demo 07:50');
      const done = '已为 孙伟 登记请假 12月7日（周一）、12月8日（周二）共 2 个学习日。这几天不算在应参与人数里，连续学习也不会中断。';
      expect(await say('boss01', '班长 请假 @孙伟 2 出差')).toEqual([`群里没有找到“孙伟”。用法：班长 请假 @名字 天数或日期 事由，如：班长 请假 @李明 3 回老家（取消：班长 请假 @李明 取消）`]);
      expect(await say('boss01', '班长 请假 @孙伟 2 出差', [{ id: 'u7', name: '孙伟' }])).toEqual([done]);
      expect(await say('boss01', '班长 请假 2', [{ id: 'u7', name: '孙伟' }])).toEqual([done]);
    } finally {
      close();
    }
  });
});
