import qrcode from 'qrcode-terminal';
import { channelIdentity, type ChannelContext, type ChannelSetup } from '../index.ts';
import { realPuppet, WechatyChannel } from './channel.ts';
import { MockWorld } from './mockWorld.ts';

/** Puppets whose contact and room ids change at every login. */
const unstableIdPuppets = new Set(['wechaty-puppet-wechat4u', 'wechaty-puppet-wechat']);

/** Wechaty with the configured puppet; `mock` is the simulator's WeChat. */
export async function wechatyChannel({ config, log, clock }: ChannelContext): Promise<ChannelSetup> {
  const { puppet, botName } = config;
  const world = puppet.name === 'mock' ? new MockWorld() : undefined;
  const channel = new WechatyChannel(
    world ? { name: 'banqian-sim', puppet: world.puppet } : realPuppet(puppet, config.dataDir),
    log,
    () => clock.now(),
    puppet.name,
    world && { world, botName },
  );
  channel.wechaty.on('scan', (code, status) => {
    log.info({ status }, '请用机器人的微信扫码登录');
    qrcode.generate(code, { small: true });
  });
  return {
    channel,
    ...channelIdentity(config),
    unstableIds: unstableIdPuppets.has(puppet.name),
    world,
    watch: (listener) => channel.watch(listener),
    rooms: () => channel.rooms(),
  };
}
