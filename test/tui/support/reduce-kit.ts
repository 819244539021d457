/** The reducer driven as data: events in, each on a deep-frozen state, and the steps and effects out. */
import type { SessionSnapshot } from '../../../src/core/api.js';
import type { OctoEvent } from '../../../src/core/events.js';
import type { SessionRecord } from '../../../src/core/store/records.js';
import type { AppEvent, Effect, KeyPress, Step } from '../../../src/tui/app/actions.js';
import { reduce } from '../../../src/tui/app/reduce.js';
import { initialState, type AppState } from '../../../src/tui/app/state.js';
import { FIXED_NOW, summary } from './fake-workspace.js';
import { msg } from './records.js';

const BREAKDOWN = {
  system: 100,
  tools: 50,
  knowledge: 0,
  messages: 10,
  attachments: 0,
  total: 160,
  window: 100_000,
  nextCompactionAt: null,
};

export function snapshot(
  id: string,
  records: readonly SessionRecord[],
  over: Partial<SessionSnapshot> = {},
): SessionSnapshot {
  return {
    sessionId: id,
    version: 0,
    summary: summary({ id, name: `session-${id}` }),
    records,
    earlierRecords: 0,
    readOnly: false,
    holder: null,
    busy: false,
    context: BREAKDOWN,
    staleFiles: [],
    catchUp: null,
    ...over,
  };
}

/** Freezes the whole state, so a reducer that changed it in place would throw. */
export function deepFreeze<T>(value: T): T {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value;
  if (value instanceof Map) {
    for (const [k, v] of value) {
      deepFreeze(k);
      deepFreeze(v);
    }
    for (const name of ['set', 'delete', 'clear'] as const)
      Object.defineProperty(value, name, {
        value: () => {
          throw new TypeError(`Map.${name} on a frozen state`);
        },
      });
  } else if (value instanceof Set) {
    for (const v of value) deepFreeze(v);
    for (const name of ['add', 'delete', 'clear'] as const)
      Object.defineProperty(value, name, {
        value: () => {
          throw new TypeError(`Set.${name} on a frozen state`);
        },
      });
  } else for (const v of Object.values(value)) deepFreeze(v);
  return Object.freeze(value);
}

/** Runs events through the reducer, each on a frozen state; returns the last step and every effect. */
export function run(state: AppState, ...events: AppEvent[]): Step & { all: Effect[] } {
  let last: Step = { state, effects: [] };
  const all: Effect[] = [];
  for (const event of events) {
    last = reduce(deepFreeze(last.state), event);
    all.push(...last.effects);
  }
  return { ...last, all };
}

export const ws = (event: OctoEvent): AppEvent => ({ type: 'workspace', event, at: FIXED_NOW });
export const key = (full: string, ch?: string): AppEvent => {
  const press: KeyPress = ch === undefined ? { full } : { full, ch };
  return { type: 'key', key: press, at: FIXED_NOW };
};
export const typed = (text: string): AppEvent[] => [...text].map((ch) => key(ch, ch));

export function start(
  records: readonly SessionRecord[] = [msg('user', 'hello'), msg('assistant', 'hi')],
): AppState {
  const base = initialState(
    { projectId: 'proj', projectDir: '/home/dev/proj', commands: [] },
    { width: 120, height: 40 },
  );
  return run(
    base,
    {
      type: 'listed',
      summaries: [summary({ id: 'a', name: 'a', order: 2 }), summary({ id: 'b', name: 'b', order: 1 })],
    },
    { type: 'opened', snapshot: snapshot('a', records), token: null },
  ).state;
}
