/**
 * One process of the answer bench (bench/parts/answers.ts starts 1 or 4 of these). It answers for teams
 * [from, to): every worker sends one message answering every question, the groups taking turns as in a real
 * morning, `inFlight` messages at a time. Mode "bot" goes through the whole bot (message → parse → ids →
 * record_answer → state); mode "store" calls the store's recordAnswer directly, the store path the bot's is
 * compared with. It tells the parent when it is ready, waits for "go", and reports {answers, ms}. Given a
 * `profile` file, it writes a CPU profile of the measured part there.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { answerAt, benchBot, benchLesson, choices, day, message, openStore, pool, sender } from './morning.ts';

const { url, prefix, from, to, workers, mode, inFlight, profile } = JSON.parse(process.argv[2]) as {
  url: string; prefix: string; from: number; to: number; workers: number; mode: 'bot' | 'store'; inFlight: number; profile?: string;
};
const session = profile ? new Session() : undefined;
const store = openStore(url, prefix);
const lesson = benchLesson();
const bot = benchBot(store);
const teams = to - from;
// Before the clock starts, the ids are resolved as the bot resolves them: the store path is handed them, and
// the bot's process has them cached, as a bot that ran yesterday has (the answer targets are not: they change daily).
const gids = await Promise.all(Array.from({ length: teams }, (_, i) => {
  const { room } = message(lesson, from + i, 0);
  return store.resolveGroup(room!.id, room!.topic, room!.ownerName!);
}));
const wids = await Promise.all(Array.from({ length: teams * workers }, (_, i) => {
  const { id, name } = sender(from + (i % teams), Math.floor(i / teams));
  return Promise.all([store.resolveWorker(gids[i % teams], id, name), bot.deps.roster.heard(id, name)]).then(([wid]) => wid);
}));

const job = async (i: number) => {
  const t = from + (i % teams);
  const w = Math.floor(i / teams);
  if (mode === 'bot') return bot.handle(message(lesson, t, w));
  // A message's answers sent together, as recordSheet sends them.
  await Promise.all(
    choices(lesson, t, w).map((choice, question) =>
      store.recordAnswer({
        gid: gids[i % teams], day, kind: 'lesson', wid: wids[i], name: sender(t, w).name, lessonId: lesson.id, lessonHash: lesson.hash, question, choice,
        correct: choice === lesson.quiz[question].answer, questionCount: lesson.quiz.length, at: answerAt,
      }),
    ),
  );
};

process.send!({ ready: true });
process.once('message', async () => {
  session?.connect();
  await session?.post('Profiler.enable');
  await session?.post('Profiler.start');
  const t0 = performance.now();
  await pool(teams * workers, inFlight, job);
  const ms = performance.now() - t0;
  if (session) writeFileSync(profile!, JSON.stringify((await session.post('Profiler.stop')).profile));
  globalThis.gc?.();
  process.send!({ answers: teams * workers * lesson.quiz.length, ms, rssMb: process.memoryUsage.rss() / 2 ** 20 }, () => {
    store.redis.disconnect();
    process.exit(0);
  });
});
