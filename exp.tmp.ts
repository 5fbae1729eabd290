import { WechatyBuilder, log } from 'wechaty';
log.level('silent');
const w = WechatyBuilder.build({ name: '/tmp/t2/data/banqian', puppet: 'wechaty-puppet-mock' as never });
await w.start();
console.log('mem', !!w.memory, (w.memory as any)?.options, w.puppet.state.active());
await w.memory!.set('a', 1);
await w.stop();
process.exit(0);
