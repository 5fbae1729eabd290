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
  expect(org.teamPaths('区总工会/乙公司')).toEqual(['区总工会', '区总工会/乙公司']);
  expect(org.teamPaths('已删除的班组')).toEqual(['区总工会', '区总工会/未归属']);
});
