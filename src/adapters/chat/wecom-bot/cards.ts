import type { QuizCard } from '../../../core/messages.ts';

/**
 * Quiz cards as WeCom `vote_interaction` template cards, and taps on them back as letters.
 * Card fields: https://developer.work.weixin.qq.com/document/path/101463 (主动推送消息 · 模板卡片消息)
 * and the SDK's TemplateCard type; the tap event: https://developer.work.weixin.qq.com/document/path/101027
 * (接收事件 · 投票选择模版卡片的事件).
 */

/** The docs suggest at most 11 characters per option; longer options go out as bare letters. */
const maxOptionChars = 11;

const letter = (i: number): string => String.fromCharCode(65 + i);

/**
 * A task id may hold only letters, digits and "_-@" (at most 128 bytes). Ours carry ":", so every other
 * character is written as "@" plus its 4-digit hex code, which reads back exactly.
 */
export function encodeTaskId(taskId: string): string {
  return taskId.replace(/[^A-Za-z0-9_-]/g, (c) => `@${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export function decodeTaskId(encoded: string): string {
  return encoded.replace(/@([0-9a-f]{4})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/**
 * Options as the card shows them: "A. 文本" when every option fits, else the letters alone. Options the
 * core already labelled ("A. 停机", or "A" for a long one) are shown as they are.
 */
export function optionTexts(options: string[]): string[] {
  const labelled = options.map((o, i) => (o === letter(i) || o.startsWith(`${letter(i)}. `) ? o : `${letter(i)}. ${o}`));
  return labelled.every((t) => [...t].length <= maxOptionChars) ? labelled : options.map((_, i) => letter(i));
}

export interface TemplateCard {
  card_type: string;
  main_title?: { title?: string; desc?: string };
  sub_title_text?: string;
  checkbox?: {
    question_key: string;
    mode: 0 | 1;
    disable?: boolean;
    option_list: { id: string; text: string; is_checked?: boolean }[];
  };
  submit_button?: { text: string; key: string };
  task_id: string;
}

/** The card as sent; `chosen` (after a tap) shows those options ticked, the card locked and "已提交". */
export function voteCard(card: QuizCard, chosen?: string): TemplateCard {
  const texts = optionTexts(card.options);
  return {
    card_type: 'vote_interaction',
    main_title: { title: card.title, desc: card.multi ? '多选题' : '单选题' },
    sub_title_text: card.question,
    checkbox: {
      question_key: 'answer',
      mode: card.multi ? 1 : 0,
      ...(chosen !== undefined && { disable: true }),
      option_list: texts.map((text, i) => ({ id: letter(i), text, ...(chosen !== undefined && { is_checked: chosen.includes(letter(i)) }) })),
    },
    submit_button: { text: chosen === undefined ? '提交' : '已提交', key: 'submit' },
    task_id: encodeTaskId(card.taskId),
  };
}

/** A tap as the event reports it: the card's task id and the chosen option ids (our letters). */
export interface Tap {
  taskId: string;
  letters: string;
}

type Json = Record<string, unknown> | undefined;

/**
 * Reads a `template_card_event`. The docs nest the details under `event.template_card_event`
 * (`task_id`, `selected_items.selected_item[].option_ids.option_id[]`); the SDK's types put `task_id`
 * on `event` itself, so both places are read. Undefined when it is not a tap on one of our cards.
 */
export function readTap(event: Json): Tap | undefined {
  const details = (event?.template_card_event as Json) ?? event;
  const task = details?.task_id;
  if (typeof task !== 'string' || !task) return undefined;
  const items = ((details?.selected_items as Json)?.selected_item ?? []) as Json[];
  const ids = items.flatMap((item) => {
    const raw = (item?.option_ids as Json)?.option_id;
    return Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  });
  const letters = [...new Set(ids.map(String).filter((id) => /^[A-Z]$/.test(id)))].sort().join('');
  return letters ? { taskId: decodeTaskId(task), letters } : undefined;
}
