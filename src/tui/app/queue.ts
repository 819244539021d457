/**
 * Typing ahead: Enter while a session's turn or compression runs queues the message (or a slash command
 * that must wait for it) instead of refusing it. The queue is the session's: each message is sent, in
 * order, when the session is free again, in the background too. Until then Up (in an empty input) takes
 * the last one back to edit; after a cancelled or failed turn the queue is held until Enter.
 */
import { recalledInput, submit } from '../input-state.js';
import type { OctoEvent } from '../../core/events.js';
import { step, type Effect, type Step } from './actions.js';
import { withHint, withNote } from './notes.js';
import { addTo, deleteIn, isBusy, removeFrom, setIn, type AppState, type QueuedMessage } from './state.js';

const NONE: readonly QueuedMessage[] = [];

export function queuedOf(state: AppState, sessionId: string): readonly QueuedMessage[] {
  return state.queued.get(sessionId) ?? NONE;
}

/** A new message must wait its turn: the session is busy, or older ones are still waiting. */
export function mustQueue(state: AppState, sessionId: string): boolean {
  return (
    isBusy(state, sessionId) || state.queueSending.has(sessionId) || queuedOf(state, sessionId).length > 0
  );
}

function withQueue(state: AppState, sessionId: string, items: readonly QueuedMessage[]): AppState {
  return {
    ...state,
    queued: items.length === 0 ? deleteIn(state.queued, sessionId) : setIn(state.queued, sessionId, items),
  };
}

/** A message (or command line) from the input joins the session's queue; the input empties into history. */
export function enqueue(
  state: AppState,
  sessionId: string,
  message: { text: string; command: boolean },
): Step {
  const input = submit(state.input).state;
  const id = state.queueCount + 1;
  const items = [...queuedOf(state, sessionId), { id, ...message }];
  // A message typed after a held queue goes after it, and sends it on.
  const queued = withQueue(
    { ...state, input, queueCount: id, queueHeld: removeFrom(state.queueHeld, sessionId) },
    sessionId,
    items,
  );
  return step(withHint(queued, null));
}

/** Enter in an empty input sends a held queue on. */
export function resumeQueue(state: AppState): Step | null {
  const id = state.currentId;
  if (id === null || !state.queueHeld.has(id)) return null;
  return step({ ...state, queueHeld: removeFrom(state.queueHeld, id) });
}

/** A turn was cancelled or failed: what was queued behind it waits for the user (Enter sends it). */
export function holdQueue(state: AppState, sessionId: string): AppState {
  const waiting = queuedOf(state, sessionId).length;
  if (waiting === 0 || state.queueHeld.has(sessionId)) return state;
  const held = { ...state, queueHeld: addTo(state.queueHeld, sessionId) };
  const what = waiting === 1 ? 'The queued message waits' : `The ${waiting} queued messages wait`;
  return withNote(held, `${what}: Enter sends it on, Up takes the last back to edit.`, 'info', sessionId);
}

/** Up in an empty input: the last queued message back in the input, out of the queue. */
export function editLastQueued(state: AppState): Step | null {
  const id = state.currentId;
  if (id === null || state.input.text !== '') return null;
  const items = queuedOf(state, id);
  const last = items.at(-1);
  if (last === undefined || state.queueSending.get(id) === last.id) return null;
  const taken = withQueue(state, id, items.slice(0, -1));
  return step({ ...taken, input: recalledInput(state.input, last.text) });
}

/** The workspace took a queued message: it leaves the queue (still in flight until its turn starts). */
export function queuedTaken(state: AppState, sessionId: string, queuedId: number): AppState {
  return withQueue(
    state,
    sessionId,
    queuedOf(state, sessionId).filter((m) => m.id !== queuedId),
  );
}

/** What was sent from the queue started, ended or failed: the next may go when the session is free. */
export function sendingDone(state: AppState, sessionId: string): AppState {
  if (!state.queueSending.has(sessionId)) return state;
  return { ...state, queueSending: deleteIn(state.queueSending, sessionId) };
}

/**
 * What the queue makes of a workspace event, once the screen took it in (`before` is the state it came
 * to). A turn starting or ending frees what was in flight (a message refused because a turn ran goes
 * when that turn ends); the cancel or failure of the turn that ran holds what was queued behind it.
 */
export function queueAfter(before: AppState, done: Step, event: OctoEvent): Step {
  switch (event.name) {
    case 'turn.started':
    case 'turn.finished':
    case 'context.compacted':
    case 'context.compactionFailed':
    case 'context.compactionInterrupted':
      return withStep(done, (s) => sendingDone(s, event.payload.sessionId));
    case 'turn.failed':
    case 'turn.interrupted': {
      const { sessionId, turnId } = event.payload;
      const ran = before.turnIds.get(sessionId) === turnId;
      return withStep(done, (s) => {
        const freed = sendingDone(s, sessionId);
        return ran ? holdQueue(freed, sessionId) : freed;
      });
    }
    default:
      return done;
  }
}

function withStep(done: Step, change: (state: AppState) => AppState): Step {
  const state = change(done.state);
  return state === done.state ? done : { state, effects: done.effects };
}

/** The next queued message of a free session, as the effect that sends or runs it. */
function next(state: AppState, sessionId: string): { state: AppState; effect: Effect } | null {
  const first = queuedOf(state, sessionId)[0];
  if (first === undefined || state.queueHeld.has(sessionId) || state.queueSending.has(sessionId)) return null;
  const open = state.open.get(sessionId);
  if (open === undefined || open.readOnly || isBusy(state, sessionId)) return null;
  // A limit question stands: its answer decides what runs next.
  if (state.budgetAsk?.sessionId === sessionId) return null;
  const sending = { ...state, queueSending: setIn(state.queueSending, sessionId, first.id) };
  if (!first.command)
    return {
      state: sending,
      effect: { kind: 'submit', sessionId, text: first.text, fromInput: false, queued: first.id },
    };
  // A command leaves the queue as it starts: there is no 'submitting' for it.
  const rest = withQueue(sending, sessionId, queuedOf(state, sessionId).slice(1));
  return { state: rest, effect: { kind: 'command', sessionId, line: first.text, queued: first.id } };
}

/** After every event: each session that is free sends its next queued message. */
export function drainQueues(result: Step): Step {
  if (result.state.queued.size === 0) return result;
  let state = result.state;
  const effects: Effect[] = [];
  for (const sessionId of state.queued.keys()) {
    const sent = next(state, sessionId);
    if (sent === null) continue;
    state = sent.state;
    effects.push(sent.effect);
  }
  if (effects.length === 0) return result;
  return { state, effects: [...result.effects, ...effects] };
}
