import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { loadScenario } from '../../src/app/scenario.ts';
import { loadConfig } from '../../src/config/config.ts';
import { loadOfficers } from '../../src/config/officers.ts';
import { loadOrg } from '../../src/config/org.ts';
import { loadLibrary } from '../../src/core/lessons/load.ts';
import { lesson, lessonTree, track } from '../lessons/fixtures.ts';

/** "botName: 班前小助手\n" as Windows Notepad saves it in a Chinese locale (GBK). */
const gbkBotName = Buffer.from('626f744e616d653a20b0e0c7b0d0a1d6facad60a', 'hex');
const utf16 = (text: string) => Buffer.from(`\ufeff${text}`, 'utf16le');
const notUtf8 = /不是 UTF-8 编码，请另存为 UTF-8/;

function fileWith(bytes: Buffer, name = 'file.yaml'): string {
  const file = join(mkdtempSync(join(tmpdir(), 'banqian-enc-')), name);
  writeFileSync(file, bytes);
  return file;
}

/** The message a loader throws (config, org, officers and scenarios stop with their problems). */
function thrown(load: () => unknown): string {
  try {
    load();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected the file to be refused');
}

describe('files that are not UTF-8 are refused, not read as mojibake', () => {
  test.each([
    ['GBK', gbkBotName],
    ['UTF-16 with BOM', utf16('botName: 班前小助手\n')],
    ['UTF-16 without BOM, plain ASCII', Buffer.from('botName: bot\n', 'utf16le')],
  ])('settings saved as %s', (_name, bytes) => {
    const file = fileWith(bytes);
    expect(thrown(() => loadConfig(file, {}))).toMatch(new RegExp(`${file}:1:1: 错误：.*${notUtf8.source}`));
  });

  test('the same settings saved as UTF-8 load, with the bot name intact', () => {
    expect(loadConfig(fileWith(Buffer.from('botName: 班前小助手\n')), {}).botName).toBe('班前小助手');
  });

  test('org tree, officers and scenario in GBK', () => {
    const gbkOrg = Buffer.from('6e616d653a20bdadb6bcc7f8d7dcb9a4bbe10a', 'hex'); // "name: 江都区总工会"
    expect(thrown(() => loadOrg(fileWith(gbkOrg)))).toMatch(notUtf8);
    expect(thrown(() => loadOfficers(fileWith(utf16('officers: []\n'))))).toMatch(notUtf8);
    expect(thrown(() => loadScenario(fileWith(gbkBotName)))).toMatch(notUtf8);
  });

  test('a lesson in UTF-16 is left out with the message; the other lessons load', () => {
    const root = lessonTree({ 't/track.yaml': track('t'), 't/001.yaml': lesson('t-001') });
    writeFileSync(join(root, 't/002.yaml'), utf16(lesson('t-002')));
    const { library, problems } = loadLibrary(root);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ line: 1, col: 1, severity: 'error' });
    expect(problems[0].file).toMatch(/t\/002\.yaml$/);
    expect(problems[0].message).toMatch(notUtf8);
    expect(library.track('t')!.lessons.map((l) => l.id)).toEqual(['t-001']);
  });

  test('a GBK track.yaml is refused too', () => {
    const root = lessonTree({ 't/001.yaml': lesson('t-001') });
    writeFileSync(join(root, 't/track.yaml'), Buffer.from('69643a20740a7469746c653a20b0b2c8ab0a', 'hex')); // "id: t\ntitle: 安全"
    expect(loadLibrary(root).problems[0].message).toMatch(notUtf8);
  });
});
