import { existsSync } from 'node:fs';
import { Ajv } from 'ajv';
import configSchema from '../../schemas/config.schema.json' with { type: 'json' };
import { CheckedYaml } from '../core/yaml/checkedYaml.ts';
import { formatProblem, type Problem } from '../core/problems.ts';
import { isRealDate } from '../core/time.ts';

export interface Config {
  botName: string;
  timezone: string;
  lessonsDir: string;
  dataDir: string;
  /** The union's org tree (see config/org.yaml). */
  orgFile: string;
  /** Dashboard officers with their scopes and password hashes. */
  officersFile: string;
  redis: { url: string; prefix: string };
  puppet: { name: string; token: string };
  send: { perMinute: number; roomGapSeconds: [number, number] };
  quiz: { windowMinutes: number; ackEveryMinutes: number };
  schedule: { graceMinutes: number; workDays: number[]; restDays: string[]; extraWorkDays: string[] };
  /** Points per question: correct on time, answered on time but wrong, answered late (补学). */
  points: { correct: number; answered: number; late: number };
  leaders: string[];
  /** https: the dashboard is served over HTTPS (usually behind a reverse proxy), so its cookie is Secure. */
  web: { host: string; port: number; https: boolean; publicUrl: string };
  /** WeCom group robots (消息推送): one webhook key per group; keys may come from BANQIAN_WECOM_WEBHOOK_KEYS instead. */
  wecomWebhook: { baseUrl: string; timeoutSeconds: number; groups: { id: string; key: string }[] };
}

export const defaultConfigFile = 'config/banqian.yaml';

const validate = new Ajv({ allErrors: true, strict: true, useDefaults: true }).compile(configSchema);

export class ConfigError extends Error {
  constructor(readonly problems: Problem[]) {
    super(problems.map(formatProblem).join('\n'));
  }
}

/** Reads the settings file (missing file: all defaults), then lets the environment override it. */
export function loadConfig(file = defaultConfigFile, env: NodeJS.ProcessEnv = process.env): Config {
  const { yaml, data } = existsSync(file) ? CheckedYaml.read(file) : CheckedYaml.parse(file, '{}');
  const parsed = data === undefined ? undefined : (data ?? {}); // an empty file means all defaults
  if (parsed !== undefined) {
    const valid = yaml.checkSchema(validate, parsed);
    if (parsed && typeof parsed === 'object') checkSemantics(yaml, parsed as Config, valid);
  }
  if (yaml.problems.some((p) => p.severity === 'error')) throw new ConfigError(yaml.problems);
  const config = parsed as Config;
  if (env.REDIS_URL) config.redis.url = env.REDIS_URL;
  if (env.WECHATY_PUPPET) config.puppet.name = env.WECHATY_PUPPET;
  if (env.WECHATY_PUPPET_SERVICE_TOKEN) config.puppet.token = env.WECHATY_PUPPET_SERVICE_TOKEN;
  if (env.BANQIAN_WECOM_WEBHOOK_KEYS) overrideWebhookKeys(config, env.BANQIAN_WECOM_WEBHOOK_KEYS);
  config.puppet.name = puppetPackage(config.puppet.name.trim());
  // The simulator's demo groups and points must never mix with a real account's.
  if (!config.redis.prefix) config.redis.prefix = config.puppet.name === 'mock' ? 'banqian-sim' : 'banqian';
  return config;
}

/**
 * "<group id>=<key>,<group id>=<key>": keys stay out of the settings file. A key replaces the file's for
 * that group; a group the file doesn't list is added. Nothing of a key is ever echoed in an error.
 */
function overrideWebhookKeys(config: Config, spec: string): void {
  for (const pair of spec.split(',').map((p) => p.trim()).filter(Boolean)) {
    const [id, key, ...rest] = pair.split('=').map((p) => p.trim());
    if (!id || !key || rest.length || !/^[A-Za-z0-9-]+$/.test(key)) {
      throw new ConfigError([{ file: 'BANQIAN_WECOM_WEBHOOK_KEYS', line: 1, col: 1, severity: 'error', message: '环境变量 BANQIAN_WECOM_WEBHOOK_KEYS 应写成“群标识=key,群标识=key”' }]);
    }
    const group = config.wecomWebhook.groups.find((g) => g.id === id);
    if (group) group.key = key;
    else config.wecomWebhook.groups.push({ id, key });
  }
}

/** Short puppet names as their packages: wechat4u → wechaty-puppet-wechat4u. `mock` is the built-in simulator. */
export function puppetPackage(name: string): string {
  return name === 'mock' || name.startsWith('wechaty-puppet-') || /[@/]/.test(name) ? name : `wechaty-puppet-${name}`;
}

/** Checks beyond the schema; with an invalid file only the always-typed time zone is checked, so one pass still reports it. */
function checkSemantics(yaml: CheckedYaml, c: Config, valid: boolean): void {
  if (typeof c.timezone === 'string') {
    try {
      new Intl.DateTimeFormat('en', { timeZone: c.timezone });
    } catch {
      yaml.report(['timezone'], 'error', `时区“${c.timezone}”不存在，应为如 Asia/Shanghai 的 IANA 时区名`);
    }
  }
  if (!valid) return;
  const [min, max] = c.send.roomGapSeconds;
  if (min > max) yaml.report(['send', 'roomGapSeconds'], 'error', `群间间隔 [${min}, ${max}] 的最小值大于最大值`);
  for (const key of ['restDays', 'extraWorkDays'] as const) {
    c.schedule[key].forEach((d, i) => {
      if (!isRealDate(d)) yaml.report(['schedule', key, i], 'error', `“${d}”不是有效日期`);
    });
  }
}
