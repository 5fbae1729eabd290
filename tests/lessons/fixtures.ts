import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** Writes a lesson tree ({ 'safety/track.yaml': '...', ... }) into a fresh temp dir. */
export function lessonTree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'banqian-lessons-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

export const track = (id: string) => `id: ${id}\ntitle: 测试课程 ${id}\n`;

/** A valid lesson; `lines` replaces whole lines so a test knows the line number of its mistake. */
export function lesson(id: string, replace: Record<number, string> = {}): string {
  const lines = [
    `id: ${id}`, //                       1
    'title: 上锁挂牌', //                  2
    'kind: expert', //                     3
    'body: |', //                          4
    '  检修前先断电，再上锁挂牌。', //     5
    'source: 测试来源', //                 6
    'quiz:', //                            7
    '  - question: 检修前先做什么？', //   8
    '    options: [断电上锁, 直接干]', //  9
    '    answer: A', //                    10
    '    explain: 先断电上锁。', //        11
  ];
  for (const [n, text] of Object.entries(replace)) lines[Number(n) - 1] = text;
  return lines.join('\n') + '\n';
}

/** A valid lesson whose `source` hides a "billion laughs" alias bomb (line 14, col 10 holds the first alias). */
export function aliasBomb(id: string): string {
  const levels = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'];
  const anchors = levels.map((l, i) => `  ${l}: &${l} [${Array(9).fill(i ? `*${levels[i - 1]}` : '"lol"').join(', ')}]`);
  return `${lesson(id)}extra:\n${anchors.join('\n')}\n`;
}
