import { describe, expect, test, vi } from 'vitest';
import { WechatyChannel } from '../../src/adapters/chat/wechaty/channel.ts';
import { MockWorld } from '../../src/adapters/chat/wechaty/mockWorld.ts';
import type { ChannelStatus } from '../../src/core/channel.ts';
import type { Incoming } from '../../src/core/bot/context.ts';
import { silentLog } from '../helpers/sim.ts';

/** The Wechaty adapter on wechaty-puppet-mock: the real Wechaty, a mock WeChat account. */
async function started() {
  const world = new MockWorld();
  const channel = new WechatyChannel({ name: 'banqian-test', puppet: world.puppet }, silentLog, Date.now, 'mock', { world, botName: '班前小助手' });
  const statuses: ChannelStatus[] = [];
  channel.onStatus((s) => statuses.push(s));
  await channel.start();
  return { world, channel, statuses };
}

describe('the Wechaty channel', () => {
  test('declares what a personal WeChat account can do: hears all, no cards, lists members, sees names', async () => {
    const { world, channel } = await started();
    try {
      expect(channel.caps).toMatchObject({ hears: 'all', cards: false, listMembers: true, senderNames: true, privateMessages: true, perMinute: 20, markdown: 'none' });
      const room = world.addRoom({ topic: '总装车间一班', owner: '张班长', members: ['李明'] });
      expect((await channel.members(room.id)).map((m) => m.name).sort()).toEqual(['张班长', '李明'].sort());
      const got: Incoming[] = [];
      channel.onMessage(async (m) => void got.push(m));
      world.say('李明', 'B', '总装车间一班');
      await channel.idle();
      expect(got).toMatchObject([{ room: { id: room.id, topic: '总装车间一班' }, sender: { name: '李明' }, text: 'B', mentioned: false }]);
      await expect(channel.send({ kind: 'room', id: room.id, label: '总装车间一班' }, { kind: 'card', taskId: 'q_1_2026-12-07_lesson_0', title: '', question: '', options: [], multi: false })).rejects.toThrow();
    } finally {
      await channel.stop();
    }
  });

  test('reports up at login and down, with the reason, at a logout', async () => {
    const { channel, statuses } = await started();
    await vi.waitFor(() => expect(statuses).toEqual([{ up: true }]));
    await channel.wechaty.logout();
    await vi.waitFor(() => expect(statuses.at(-1)).toEqual({ up: false, reason: expect.stringMatching(/^微信号已退出登录/) }));
    await channel.stop();
  });

  test('its own stop logs the account out, which is no outage', async () => {
    const { channel, statuses } = await started();
    await vi.waitFor(() => expect(statuses).toEqual([{ up: true }]));
    await channel.stop();
    await new Promise((r) => setTimeout(r, 50));
    expect(statuses).toEqual([{ up: true }]);
  });
});
