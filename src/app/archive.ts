import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, statSync, truncateSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { RedisStore } from '../adapters/store/redis/store.ts';
import { onceADay, type EngagementHook } from '../core/engage/hooks.ts';
import type { Logger, QuizRef } from '../core/ports.ts';
import { addDays } from '../core/time.ts';

export interface ArchiveOptions {
  /** data/archive: one gzip-compressed JSONL file per month of the quiz's day ("2025-09.jsonl.gz"). */
  dir: string;
  /** Records of quizzes on days before today − afterDays go. */
  afterDays: number;
  today: string;
  /** Called after a quiz's records are written and synced, before they are dropped (tests simulate a crash here). */
  afterWrite?: (ref: QuizRef) => void;
}

/** Appends bytes and flushes them to disk (and the new file's directory entry) before returning. */
function appendDurably(dir: string, file: string, bytes: Buffer): void {
  const created = !existsSync(file);
  const fd = openSync(file, 'a');
  try {
    writeSync(fd, bytes);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  if (created) {
    const dirFd = openSync(dir, 'r');
    fsyncSync(dirFd);
    closeSync(dirFd);
  }
}

/**
 * Moves the answer records of old quizzes out of Redis into monthly files, one quiz at a time: the quiz is
 * noted as pending (file and size before), its records are appended as one gzip member and synced to disk,
 * and only then dropped from Redis. A run that died midway is finished by the next one: while the records
 * are still in Redis the file is cut back to its size before (so nothing is written twice), once they are
 * gone the file keeps them. Rollups, counters and first answers stay, so no figure changes. The work is the
 * quizzes archived, read from an index by day. Returns what was archived, or undefined when another run holds the lock.
 */
export async function archiveAnswers(store: RedisStore, opts: ArchiveOptions): Promise<{ quizzes: number; records: number; files: string[] } | undefined> {
  const { redis, keys } = store;
  if ((await redis.set(keys.archiveLock, '1', 'EX', 3600, 'NX')) !== 'OK') return undefined;
  try {
    const files = new Set<string>();
    let quizzes = 0;
    let records = 0;
    const finish = async (p: { file: string; size: number; quiz: QuizRef }) => {
      if (await store.answerRecords(p.quiz)) {
        if (existsSync(p.file)) truncateSync(p.file, p.size);
      }
      else await store.dropAnswerRecords(p.quiz); // dropped before the crash: only the index entry may be left
      await redis.del(keys.archivePending);
    };
    const pending = await redis.get(keys.archivePending);
    if (pending) await finish(JSON.parse(pending));
    const before = addDays(opts.today, -opts.afterDays);
    for (let batch = await store.answersBefore(before, 500); batch.length; batch = await store.answersBefore(before, 500)) {
      for (const quiz of batch) {
        const found = await store.answerRecords(quiz);
        if (!found) {
          await store.dropAnswerRecords(quiz);
          continue;
        }
        mkdirSync(opts.dir, { recursive: true });
        const file = join(opts.dir, `${quiz.day.slice(0, 7)}.jsonl.gz`);
        const size = existsSync(file) ? statSync(file).size : 0;
        await redis.set(keys.archivePending, JSON.stringify({ file, size, quiz }));
        const lines = found.records.map(([wid, question, choice, correct, at, onTime]) =>
          JSON.stringify({ gid: quiz.gid, day: quiz.day, kind: quiz.kind, lessonId: found.lessonId, wid, question, choice, correct: correct === 1, at, onTime: onTime === 1 }),
        );
        appendDurably(opts.dir, file, gzipSync(lines.join('\n') + '\n'));
        opts.afterWrite?.(quiz);
        await store.dropAnswerRecords(quiz);
        await redis.del(keys.archivePending);
        files.add(file);
        quizzes++;
        records += lines.length;
      }
    }
    return { quizzes, records, files: [...files].sort() };
  } finally {
    await redis.del(keys.archiveLock);
  }
}

/** When the bot archives each day: a quiet hour, before any morning shift. */
export const archiveTime = '03:00';

/** The bot's own daily run of archiveAnswers, from 03:00; its lock lets one process of a district do it. */
export function archiveHook(store: RedisStore, o: { dir: string; afterDays: number; timezone: string; log: Logger }): EngagementHook {
  return {
    name: 'archive',
    ...onceADay(archiveTime, o.timezone, async (today) => {
      const done = await archiveAnswers(store, { dir: o.dir, afterDays: o.afterDays, today });
      if (done?.records) o.log.info({ quizzes: done.quizzes, records: done.records, files: done.files }, 'old answer records archived');
    }),
  };
}
