import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { loadOfficers } from '../../src/config/officers.ts';
import { runCli } from '../helpers/cli.ts';

describe('officer contacts', () => {
  test('`banqian officer add` stores a user id per platform and an email, and keeps them when the officer is added again', () => {
    const dir = mkdtempSync(join(tmpdir(), 'banqian-officers-'));
    const config = join(dir, 'banqian.yaml');
    const file = join(dir, 'officers.yaml');
    writeFileSync(config, `officersFile: ${file}\norgFile: config/org.yaml\n`);
    const add = (...args: string[]) => runCli(['-c', config, 'officer', 'add', '王主席', '--scope', '江都机械有限公司', ...args], { input: 'a-long-password\n' });
    expect(add('--wecom', 'wangzhuxi', '--email', 'wang@example.com').code).toBe(0);
    expect(add('--dingtalk', '0123', '--no-weekly-report').code).toBe(0);
    expect(loadOfficers(file)).toEqual([
      { name: '王主席', scope: '江都区总工会/江都机械有限公司', password: expect.stringMatching(/^scrypt\$/), contact: { wecom: 'wangzhuxi', dingtalk: '0123' }, email: 'wang@example.com', weeklyReport: false },
    ]);
    const bad = add('--email', 'not-an-address');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/“not-an-address”不是有效的邮箱/);
  });

  test('officers.yaml refuses a contact for a platform it does not know, with its line', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'banqian-officers-')), 'officers.yaml');
    writeFileSync(file, 'officers:\n  - name: 王\n    scope: 江都区总工会\n    password: "scrypt$x"\n    contact: {qq: "123"}\n');
    expect(() => loadOfficers(file)).toThrow(/officers\.yaml:5/);
  });
});
