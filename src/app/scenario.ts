import { Ajv } from 'ajv';
import scenarioSchema from '../../schemas/scenario.schema.json' with { type: 'json' };
import type { MockRoomSpec } from '../adapters/chat/wechaty/mockWorld.ts';
import { CheckedYaml } from '../core/yaml/checkedYaml.ts';
import { formatProblem } from '../core/problems.ts';

export type ScenarioEvent =
  | { kind: 'say'; at: number; room?: string; from: string; text: string }
  | { kind: 'join'; at: number; room: string; name: string }
  /** The bot process dies at `at` (what it had queued is lost, as with kill -9) and restarts at `until`. */
  | { kind: 'offline'; at: number; until: number };

export interface Scenario {
  start: number;
  until: number;
  bot?: string;
  rooms: MockRoomSpec[];
  events: ScenarioEvent[];
}

interface RawScenario {
  start: string;
  until: string;
  bot?: string;
  rooms: MockRoomSpec[];
  events: { at: string; room?: string; from?: string; text?: string; join?: string; offline_until?: string }[];
}

const validate = new Ajv({ allErrors: true, strict: true, useDefaults: true }).compile(scenarioSchema);
const isoWithZone = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

export class ScenarioError extends Error {}

/** Reads a scenario file; every mistake is reported as file:line:col before anything runs. */
export function loadScenario(file: string): Scenario {
  const { yaml, data } = CheckedYaml.read(file);
  if (data !== undefined && yaml.checkSchema(validate, data)) check(yaml, data as RawScenario);
  if (yaml.problems.length) throw new ScenarioError(yaml.problems.map(formatProblem).join('\n'));
  const raw = data as RawScenario;
  return {
    start: Date.parse(raw.start),
    until: Date.parse(raw.until),
    bot: raw.bot,
    rooms: raw.rooms,
    events: raw.events.map((e): ScenarioEvent => {
      const at = Date.parse(e.at);
      if (e.offline_until) return { kind: 'offline', at, until: Date.parse(e.offline_until) };
      if (e.join) return { kind: 'join', at, room: e.room!, name: e.join };
      return { kind: 'say', at, room: e.room, from: e.from!, text: e.text! };
    }),
  };
}

function check(yaml: CheckedYaml, s: RawScenario): void {
  const time = (path: (string | number)[], v: string) => {
    if (!isoWithZone.test(v) || Number.isNaN(Date.parse(v))) yaml.report(path, 'error', `“${v}”不是带时区的时间，应写成 2026-12-07T07:50:00+08:00`);
    return Date.parse(v);
  };
  const start = time(['start'], s.start);
  if (time(['until'], s.until) <= start) yaml.report(['until'], 'error', '“until”应晚于“start”');
  const members = new Map(s.rooms.map((r) => [r.topic, new Set([r.owner, ...r.members])]));
  let last = start;
  s.events.forEach((e, i) => {
    const at = time(['events', i, 'at'], e.at);
    if (at < last) yaml.report(['events', i, 'at'], 'error', '事件要按时间先后排列');
    last = Math.max(last, at);
    if (e.room !== undefined && !members.has(e.room)) yaml.report(['events', i, 'room'], 'error', `没有群“${e.room}”`);
    const kinds = [e.text !== undefined, e.join !== undefined, e.offline_until !== undefined].filter(Boolean).length;
    if (kinds !== 1) return yaml.report(['events', i], 'error', '每个事件要有且只有 text、join、offline_until 之一');
    if (e.offline_until !== undefined && time(['events', i, 'offline_until'], e.offline_until) <= at) yaml.report(['events', i, 'offline_until'], 'error', '恢复时间应晚于“at”');
    if (e.join !== undefined) {
      if (e.room === undefined) yaml.report(['events', i], 'error', 'join 事件要写明 room');
      else members.get(e.room)?.add(e.join);
    }
    if (e.text !== undefined) {
      if (e.from === undefined) yaml.report(['events', i], 'error', '消息要写明 from（谁发的）');
      else if (e.room !== undefined && members.has(e.room) && !members.get(e.room)!.has(e.from)) yaml.report(['events', i, 'from'], 'error', `“${e.from}”不在群“${e.room}”里`);
    }
  });
}
