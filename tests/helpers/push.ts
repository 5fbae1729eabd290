import type { RedisStore } from '../../src/adapters/store/redis/store.ts';
import { snapshotOf } from '../../src/core/lessons/snapshot.ts';
import type { Lesson } from '../../src/core/lessons/types.ts';
import { text } from '../../src/core/messages.ts';
import type { Group, QuizRef } from '../../src/core/ports.ts';

export const demoLesson = (id = 'demo-002', answer = 'A'): Lesson => ({
  id, title: `课 ${id}`, kind: 'expert', body: '正文', trackId: 'demo', file: `${id}.yaml`,
  quiz: [{ question: '问题一？', options: ['甲', '乙', '丙'], answer, explain: '解析' }, { question: '问题二？', options: ['甲', '乙', '丙'], answer: 'C', explain: '解析' }],
});

/** Claims a push with one message, sends it and opens its quiz, through the store calls the bot makes. */
export async function claimAndOpen(store: RedisStore, g: Group, ref: QuizRef, lesson = demoLesson(), at = 1000, windowMs = 60_000): Promise<void> {
  const track = { id: 'demo', title: '测试课程', dir: '', lessons: [lesson] };
  const plan = { snapshot: snapshotOf(lesson, track), messages: [text(lesson.title)], target: { kind: 'room' as const, id: g.roomId, label: g.topic }, newCycle: false, completesRound: false, freshSince: '' };
  // Read again: the claim checks the lesson count the header was rendered with.
  const seq = await store.claimPush((await store.getGroup(g.gid)) ?? g, ref.day, plan, 0, 'me', 'manual');
  if (typeof seq !== 'number') throw new Error(`claim failed: ${seq}`);
  await store.beginMessage(ref, 'me', 0);
  await store.messageSent(ref, 'me', 0);
  await store.openQuiz(ref, 'me', at, at + windowMs);
}

/** Enrols the test room 一班 (r@chatroom) on the demo track at 07:50 on the given weekdays; returns the group as saved. */
export async function savedGroup(store: RedisStore, days = [1]): Promise<Group> {
  const gid = await store.resolveGroup('r@chatroom', '一班', '张班长');
  const g: Group = { gid, roomId: 'r@chatroom', topic: '一班', track: 'demo', time: '07:50', days, windowMinutes: 60, status: 'active', cycleSince: '', cycle: 1, lessons: 0, options: {}, current: '', activeSince: 0, team: '', account: '' };
  await store.saveGroup(g);
  return g;
}
