import { existsSync } from 'node:fs';
import { Ajv } from 'ajv';
import configSchema from '../../schemas/config.schema.json' with { type: 'json' };
import { CheckedYaml } from '../core/yaml/checkedYaml.ts';
import { formatProblem, type Problem } from '../core/problems.ts';
import type { EngagementSettings } from '../core/engage/features.ts';
import { isRealDate } from '../core/time.ts';

export interface Config {
  botName: string;
  timezone: string;
  lessonsDir: string;
  /** What "报名 07:50" without a course gives: a plan or track id. */
  defaultCourse: string;
  dataDir: string;
  /** The union's org tree (see config/org.yaml). */
  orgFile: string;
  /** Dashboard officers with their scopes and password hashes. */
  officersFile: string;
  /** Answer records older than this many days are archived to <dataDir>/archive and dropped from Redis. */
  archive: { afterDays: number };
  /** One of: url (one server), sentinels (a Sentinel set) or cluster (a Redis Cluster); see redisTarget. */
  redis: { url: string; prefix: string; sentinels?: { name: string; nodes: string[]; password?: string }; cluster?: { nodes: string[]; password?: string } };
  puppet: { name: string; token: string };
  /** The chat platform; secrets may come from the environment (envSecrets), and are never logged. */
  channel: {
    /** wecom-sim: the demo as a WeCom group (the real robot adapter against a local protocol server). */
    type: 'wechaty' | 'wecom-bot' | 'wecom-webhook' | 'dingtalk' | 'wecom-sim';
    wecomBot: { botId: string; secret: string; wsUrl: string; perMinute: number };
    /** Each webhook key belongs to one group; a group with a track and a time is enrolled at start-up (it can't hear 报名). */
    wecomWebhook: { baseUrl: string; timeoutSeconds: number; groups: { name: string; key: string; track?: string; time?: string; team?: string }[] };
    dingtalk: { clientId: string; clientSecret: string; robotCode: string; webhook: { url: string; secret: string } };
  };
  send: { perMinute: number; roomGapSeconds: [number, number] };
  /** Several bot accounts on one Redis: the failover threshold, and the id space their rooms and people share. */
  accounts: { failoverMinutes: number; identity: string };
  quiz: { windowMinutes: number; ackEveryMinutes: number };
  engagement: EngagementSettings;
  schedule: { graceMinutes: number; lateCeilingMinutes: number; workDays: number[]; restDays: string[]; extraWorkDays: string[] };
  /** Points per question: correct on time, answered on time but wrong, answered late (补学). */
  points: { correct: number; answered: number; late: number };
  leaders: string[];
  /** https: the dashboard is served over HTTPS (usually behind a reverse proxy), so its cookie is Secure. */
  web: { host: string; port: number; https: boolean; publicUrl: string };
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
  if (env.REDIS_URL) config.redis = { url: env.REDIS_URL, prefix: config.redis.prefix };
  if (env.WECHATY_PUPPET) config.puppet.name = env.WECHATY_PUPPET;
  if (env.BANQIAN_SMTP_URL) config.engagement.smtp.url = env.BANQIAN_SMTP_URL;
  if (env.WECHATY_PUPPET_SERVICE_TOKEN) config.puppet.token = env.WECHATY_PUPPET_SERVICE_TOKEN;
  config.puppet.name = puppetPackage(config.puppet.name.trim());
  // A wave running late is held back where a push after downtime would be: by default the grace window.
  config.schedule.lateCeilingMinutes ??= config.schedule.graceMinutes;
  applySecrets(config, env);
  // The simulator's demo groups and points must never mix with a real account's.
  if (!config.redis.prefix) config.redis.prefix = isSimulator(config) ? 'banqian-sim' : 'banqian';
  return config;
}

/**
 * Where Redis is, as the one string connectRedis takes: the URL, or redis-sentinel://[:password@]nodes/name,
 * or redis-cluster://[:password@]nodes. '' when nothing is set (the private redis-server is used).
 */
export function redisTarget(redis: Config['redis']): string {
  const auth = (password?: string) => (password ? `:${encodeURIComponent(password)}@` : '');
  if (redis.sentinels) return `redis-sentinel://${auth(redis.sentinels.password)}${redis.sentinels.nodes.join(',')}/${redis.sentinels.name}`;
  if (redis.cluster) return `redis-cluster://${auth(redis.cluster.password)}${redis.cluster.nodes.join(',')}`;
  return redis.url;
}

/** The built-in simulator (WeChat by default, or a WeCom group): no account, a demo clock, the chat page. */
export const isSimulator = (config: Config): boolean => (config.channel.type === 'wechaty' && config.puppet.name === 'mock') || config.channel.type === 'wecom-sim';

/**
 * Robot secrets and webhook keys from the environment, so they need not sit in a file. Webhook keys
 * come as "group=key" pairs separated by ";" or new lines (one key per group).
 */
function applySecrets(config: Config, env: NodeJS.ProcessEnv): void {
  const { wecomBot, wecomWebhook, dingtalk } = config.channel;
  if (env.BANQIAN_WECOM_SECRET) wecomBot.secret = env.BANQIAN_WECOM_SECRET;
  if (env.BANQIAN_DINGTALK_CLIENT_SECRET) dingtalk.clientSecret = env.BANQIAN_DINGTALK_CLIENT_SECRET;
  if (env.BANQIAN_DINGTALK_WEBHOOK_URL) dingtalk.webhook.url = env.BANQIAN_DINGTALK_WEBHOOK_URL;
  if (env.BANQIAN_DINGTALK_WEBHOOK_SECRET) dingtalk.webhook.secret = env.BANQIAN_DINGTALK_WEBHOOK_SECRET;
  for (const pair of (env.BANQIAN_WECOM_WEBHOOK_KEYS ?? '').split(/[;\n]/)) {
    const at = pair.lastIndexOf('=');
    const [name, key] = [pair.slice(0, at).trim(), pair.slice(at + 1).trim()];
    if (at < 1 || !name || !key) {
      // The value itself is a secret: the error names the variable only.
      if (pair.trim()) throw new Error('环境变量 BANQIAN_WECOM_WEBHOOK_KEYS 的每一项应写成“群名=key”，用分号隔开');
      continue;
    }
    const group = wecomWebhook.groups.find((g) => g.name === name);
    if (group) group.key = key;
    else wecomWebhook.groups.push({ name, key });
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
  const { url, sentinels, cluster } = c.redis;
  if ([url, sentinels, cluster].filter(Boolean).length > 1) yaml.report(['redis'], 'error', 'redis.url、redis.sentinels 和 redis.cluster 只能设置其中一项');
  for (const key of ['sentinels', 'cluster'] as const) {
    c.redis[key]?.nodes.forEach((node, i) => {
      const port = Number(node.slice(node.lastIndexOf(':') + 1));
      if (port < 1 || port > 65535) yaml.report(['redis', key, 'nodes', i], 'error', `“${node}”的端口应在 1 到 65535 之间`);
    });
  }
  const [min, max] = c.send.roomGapSeconds;
  if (min > max) yaml.report(['send', 'roomGapSeconds'], 'error', `群间间隔 [${min}, ${max}] 的最小值大于最大值`);
  for (const key of ['restDays', 'extraWorkDays'] as const) {
    c.schedule[key].forEach((d, i) => {
      if (!isRealDate(d)) yaml.report(['schedule', key, i], 'error', `“${d}”不是有效日期`);
    });
  }
}
