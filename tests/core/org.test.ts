import { expect, test } from 'vitest';
import { OrgTree } from '../../src/core/org.ts';

const org = new OrgTree({
  name: '区总工会',
  children: [
    { name: '甲公司', children: [{ name: '总装车间', children: [{ name: '一班' }] }] },
    { name: '乙公司', children: [{ name: '总装车间', children: [{ name: '一班' }] }] },
  ],
});

test('org names resolve by full path, unique name or path tail; otherwise the error says what would work', () => {
  expect(org.resolve('区总工会/甲公司/总装车间/一班')).toEqual({ node: org.get('区总工会/甲公司/总装车间/一班') });
  expect(org.resolve('乙公司')).toEqual({ node: org.get('区总工会/乙公司') });
  expect(org.resolve('乙公司 / 总装车间')).toEqual({ node: org.get('区总工会/乙公司/总装车间') });
  expect(org.resolve('一班')).toEqual({ error: '“一班”有 2 个，请写完整路径：区总工会/甲公司/总装车间/一班、区总工会/乙公司/总装车间/一班' });
  expect(org.resolve('丙公司')).toEqual({ error: '组织架构里没有“丙公司”。请写名称或完整路径，顶层是“区总工会”，路径用“/”连接。' });
  // Within an officer's scope a name ambiguous in the whole tree can be unique.
  const jia = org.get('区总工会/甲公司')!;
  expect(org.resolve('一班', jia)).toEqual({ node: org.get('区总工会/甲公司/总装车间/一班') });
  expect(org.resolve('乙公司', jia)).toMatchObject({ error: expect.stringContaining('组织架构里没有“乙公司”') });
  expect(org.teamPaths('区总工会/乙公司')).toEqual(['区总工会', '区总工会/乙公司']);
  expect(org.teamPaths('已删除的班组')).toEqual(['区总工会', '区总工会/未归属']);
});

test('config/org.yaml: a name with "/" or the reserved 未归属 fails to load, at file:line:col', async () => {
  const { mkdtempSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { loadOrg } = await import('../../src/config/org.ts');
  const file = join(mkdtempSync(join(tmpdir(), 'banqian-org-')), 'org.yaml');
  const load = (text: string) => {
    writeFileSync(file, text);
    try {
      loadOrg(file);
      return 'loaded';
    } catch (err) {
      return (err as Error).message;
    }
  };
  // Without the check, an officer of 江都区总工会/江都机械有限公司 would see this root-level "team".
  expect(load('name: 江都区总工会\nchildren:\n  - name: 江都机械有限公司\n  - name: 江都机械有限公司/外包班\n')).toMatch(new RegExp(`^${file}:4:11: .*不能含“/”`));
  expect(load('name: 江都区总工会\nchildren:\n  - name: 江都机械有限公司\n    children:\n      - name: " 未归属 "\n')).toMatch(new RegExp(`^${file}:5:15: .*“未归属”是保留名称`));
  expect(load('name: 未归属\n')).toMatch(/:1:7: .*保留名称/);
  expect(load('name: 江都区总工会\nchildren:\n  - name: 江都机械有限公司\n')).toBe('loaded');
});
