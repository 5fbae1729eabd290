import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { loadScenario } from '../../src/app/scenario.ts';
import { simulate, type SentLine } from '../../src/app/simulate.ts';
import { loadConfig, type Config } from '../../src/config/config.ts';
import type { Logger } from '../../src/core/ports.ts';
import type { ChannelCapabilities } from '../../src/core/channel.ts';
import type { SimChannel } from '../../src/app/sim/channels.ts';
import { redisUrl } from './redis.ts';

export const fixtureLessons = 'tests/fixtures/lessons';

/** Settings for tests: the defaults with the fixture library. */
export function testConfig(overrides: (c: Config) => void = () => {}): Config {
  const config = loadConfig('/nonexistent', {});
  config.lessonsDir = fixtureLessons;
  overrides(config);
  return config;
}

export const silentLog = pino({ level: 'silent' });

/** Runs a scenario (YAML text) through the real simulator and returns what the bot sent. */
export async function runScenario(yaml: string, opts: { prefix?: string; config?: Config; log?: Logger; channel?: SimChannel; caps?: Partial<ChannelCapabilities> } = {}): Promise<SentLine[]> {
  const file = join(mkdtempSync(join(tmpdir(), 'banqian-scenario-')), 'scenario.yaml');
  writeFileSync(file, yaml);
  const lines: SentLine[] = [];
  await simulate(loadScenario(file), { config: opts.config ?? testConfig(), redisUrl: redisUrl(), prefix: opts.prefix, log: opts.log ?? silentLog, channel: opts.channel, caps: opts.caps, onLine: (l) => lines.push(l) });
  return lines;
}

/** Time of day and the first line of each message: enough to read a run at a glance. */
export const brief = (lines: SentLine[]) => lines.map((l) => `${l.at.slice(5, 16)} ${l.room ?? `→${l.to}`}: ${l.text.split('\n')[0]}`);
