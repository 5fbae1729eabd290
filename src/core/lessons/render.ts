import { text, type OutMessage } from '../messages.ts';
import { answerExample } from '../quiz/answers.ts';
import { kindLabels, optionLetter, type Lesson, type Question, type Track } from './types.ts';

/** One WeChat text message stays readable up to about this many characters; above it, lesson and quiz go apart. */
export const maxTextChars = 1800;

export interface PushInfo {
  track: Track;
  /** 1-based position of the lesson in the group's course. */
  number: number;
  windowMinutes: number;
  /** On a channel that hears nothing, the quiz is answered on this page instead of in the group. */
  answerUrl?: string;
}

/** The messages of one push: lesson and quiz merged into one text when it fits, then image and link. */
export function renderLesson(lesson: Lesson, info: PushInfo): OutMessage[] {
  const head = `【班前十分钟】${info.track.title} 第 ${info.number} 课 · ${kindLabels[lesson.kind]}\n《${lesson.title}》`;
  const lessonText = [head, lesson.body, lesson.source ? `出处：${lesson.source}` : ''].filter(Boolean).join('\n\n');
  const quizText = renderQuiz(lesson.quiz, info.windowMinutes, info.answerUrl);
  const merged = `${lessonText}\n\n${quizText}`;
  const out: OutMessage[] = merged.length <= maxTextChars ? [text(merged)] : [text(lessonText), text(quizText)];
  if (lesson.image) out.push(/^https:\/\//.test(lesson.image) ? { kind: 'link', title: lesson.title, url: lesson.image } : { kind: 'image', file: lesson.image });
  if (lesson.link) out.push({ kind: 'link', ...lesson.link });
  return out;
}

export function renderQuiz(quiz: Question[], windowMinutes: number, answerUrl?: string): string {
  const how = answerUrl
    ? `${windowMinutes} 分钟内点开链接答题，以第一次提交为准：${answerUrl}`
    : `${windowMinutes} 分钟内在群里直接回复答案，如 “${answerExample(quiz)}”，以第一次回复为准。`;
  const lines = [`【今日小测】${how}`];
  quiz.forEach((q, i) => {
    // Many lesson authors already write "（多选）" in the question; say it once.
    const multi = q.answer.length > 1 && !q.question.includes('多选') ? '（多选）' : '';
    lines.push('', `${quiz.length > 1 ? `${i + 1}. ` : ''}${q.question}${multi}`);
    q.options.forEach((o, j) => lines.push(`${optionLetter(j)}. ${o}`));
  });
  return lines.join('\n');
}
