import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { redisUrl } from '../helpers/redis.ts';
import { fixtureLessons } from '../helpers/sim.ts';

const dir = 'tests/scenarios';
const scenarios = readdirSync(dir).filter((f) => f.endsWith('.yaml'));

/**
 * Each scenario runs through the real `banqian simulate` command; its output must match the reviewed
 * .jsonl beside it line for line. After an intended change, rerun with UPDATE_GOLDEN=1 and review the diff.
 */
describe('golden scenarios', () => {
  test.each(scenarios)('%s', (file) => {
    const r = runCli(['simulate', join(dir, file), '--lessons', fixtureLessons], { env: { REDIS_URL: redisUrl(), LOG_LEVEL: 'silent' }, timeout: 120_000 });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const golden = join(dir, file.replace(/\.yaml$/, '.jsonl'));
    if (process.env.UPDATE_GOLDEN) writeFileSync(golden, r.stdout);
    expect(r.stdout.split('\n')).toEqual(readFileSync(golden, 'utf8').split('\n'));
  }, 120_000);

  test('a broken scenario is reported at its line and nothing runs', () => {
    const r = runCli(['simulate', join(dir, 'bad', 'unordered.yaml')], { env: { REDIS_URL: redisUrl() } });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/unordered\.yaml:9:10: 错误：事件要按时间先后排列/);
    expect(r.stderr).toMatch(/unordered\.yaml:10:55: 错误：“路人”不在群“一班”里/);
    expect(r.stderr).toMatch(/unordered\.yaml:11:10: 错误：“2026-12-07 09:00”不是带时区的时间/);
  });
});
