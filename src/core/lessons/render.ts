import type { ChannelCapabilities } from '../channel.ts';
import { text, type OutMessage } from '../messages.ts';
import type { QuizRef } from '../ports.ts';
import { answerExample } from '../quiz/answers.ts';
import { optionsFitCard, renderQuizCards } from '../quiz/cards.ts';
import { packBlocks } from '../send/text.ts';
import { kindLabels, optionLetter, type Lesson, type Question, type Track } from './types.ts';

export interface PushInfo {
  track: Track;
  /** 1-based position of the lesson in the group's course. */
  number: number;
  windowMinutes: number;
  /** The quiz this push opens (its cards' task ids point here). */
  ref: QuizRef;
  /** How the quiz is asked and the text split follow the channel's capabilities. */
  caps: ChannelCapabilities;
  botName: string;
  /** On a channel that hears nothing, the quiz is answered on this page instead of in the group. */
  answerUrl?: string;
}

/**
 * The messages of one push: lesson and quiz merged into one text when it fits the channel's limit,
 * else apart (each split by bytes between paragraphs and between questions), then image and link;
 * where the channel has cards, the quiz follows as one card per question.
 */
export function renderLesson(lesson: Lesson, info: PushInfo): OutMessage[] {
  const head = `【班前十分钟】${info.track.title} 第 ${info.number} 课 · ${kindLabels[lesson.kind]}\n《${lesson.title}》`;
  const lessonBlocks = [head, lesson.body, lesson.source ? `出处：${lesson.source}` : ''].filter(Boolean);
  const quizBlocks = quizText(lesson.quiz, info);
  const merged = packBlocks([...lessonBlocks, ...quizBlocks], info.caps);
  const texts = merged.length === 1 ? merged : [...packBlocks(lessonBlocks, info.caps), ...packBlocks(quizBlocks, info.caps)];
  const out: OutMessage[] = texts.map(text);
  if (lesson.image) out.push(/^https:\/\//.test(lesson.image) ? { kind: 'link', title: lesson.title, url: lesson.image } : { kind: 'image', file: lesson.image });
  if (lesson.link) out.push({ kind: 'link', ...lesson.link });
  if (info.caps.cards) out.push(...renderQuizCards(info.ref, lesson.quiz));
  return out;
}

/**
 * The quiz as text blocks (a header, then one block per question). With cards, only the questions whose
 * options are too long for a card are written out, so the letters on the card can be looked up.
 */
function quizText(quiz: Question[], info: PushInfo): string[] {
  const { caps, windowMinutes, botName, answerUrl } = info;
  const example = answerExample(quiz);
  const header = answerUrl
    ? `【今日小测】${windowMinutes} 分钟内点开链接答题，以第一次提交为准：${answerUrl}`
    : caps.cards
    ? `【今日小测】${windowMinutes} 分钟内点选下方卡片作答，以第一次提交为准。`
    : caps.hears === 'mentions'
      ? `【今日小测】${windowMinutes} 分钟内在群里 @${botName} 并写上答案，如 “@${botName} ${example}”，以第一次回复为准。`
      : `【今日小测】${windowMinutes} 分钟内在群里直接回复答案，如 “${example}”，以第一次回复为准。`;
  const questions = quiz.map((q, i) => ({ q, i })).filter(({ q }) => !caps.cards || !optionsFitCard(q));
  return [header, ...questions.map(({ q, i }) => questionBlock(q, i, quiz.length))];
}

export function questionBlock(q: Question, i: number, count: number): string {
  // Many lesson authors already write "（多选）" in the question; say it once.
  const multi = q.answer.length > 1 && !q.question.includes('多选') ? '（多选）' : '';
  return [`${count > 1 ? `${i + 1}. ` : ''}${q.question}${multi}`, ...q.options.map((o, j) => `${optionLetter(j)}. ${o}`)].join('\n');
}
