import { expect, test } from 'vitest';
import { FailureTable } from '../../src/adapters/web/limits.ts';

test('the lockout table stays bounded however many names are tried, and keeps a locked key while others come and go', () => {
  const table = new FailureTable(5, 60_000, 100);
  for (let i = 0; i < 5; i++) table.fail('王主席', 0);
  expect(table.lockedUntil('王主席', 1)).toBe(60_000);
  for (let i = 0; i < 10_000; i++) table.fail(`猜的名字${i}`, 1_000 + i * 10); // every entry outlives the loop's first half
  expect(table.size).toBeLessThanOrEqual(100);
  // Stale entries go before live ones: after the window, new names push out old ones, not the live lock.
  const fresh = new FailureTable(5, 60_000, 3);
  for (let i = 0; i < 5; i++) fresh.fail('王主席', 50_000);
  fresh.fail('甲', 0);
  fresh.fail('乙', 0);
  fresh.fail('丙', 70_000);
  expect(fresh.size).toBe(2);
  expect(fresh.lockedUntil('王主席', 70_000)).toBe(110_000);
});

test('a lock ends after its window and the count starts over', () => {
  const table = new FailureTable(2, 1_000, 10);
  table.fail('a', 0);
  table.fail('a', 10);
  expect(table.lockedUntil('a', 500)).toBe(1_010);
  expect(table.lockedUntil('a', 1_010)).toBeUndefined();
  table.fail('a', 1_020);
  expect(table.lockedUntil('a', 1_030)).toBeUndefined();
});
