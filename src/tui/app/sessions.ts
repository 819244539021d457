/** Session actions of the TUI: show, switch, list, and the outcomes of open, create, rename and fork. */
import type { SessionSnapshot } from '../../core/api.js';
import type { SessionSummary } from '../../core/api.js';
import { plural, sanitizeLine } from '../../core/text/index.js';
import type { LockHolder } from '../../core/store/types.js';
import { truncate } from '../text/width.js';
import { groupSessions } from '../view/sessions-view.js';
import { formatAge } from '../view/format.js';
import { step, type Step } from './actions.js';
import { noteCatchUp } from './catch-up.js';
import { withHint, withNote } from './notes.js';
import { emptyInput } from '../input-state.js';
import { addTo, deleteIn, fromSnapshot, setIn, type AppState } from './state.js';

export function readOnlyText(holder: LockHolder | null): string {
  const who =
    holder === null
      ? 'another process'
      : `process ${holder.pid} on ${sanitizeLine(holder.host)} (since ${sanitizeLine(holder.since)})`;
  return `Read-only: ${who} is writing this session; this view follows it. /fork [NAME] to continue here.`;
}

/** A session another process holds and serves: this screen is one more client of it. */
export function attachedText(holder: LockHolder): string {
  return (
    `Attached: process ${holder.pid} on ${sanitizeLine(holder.host)} holds this session; what you send ` +
    'goes through it, and every terminal attached to it sees the same turns.'
  );
}

/**
 * The input goes with the session it was typed in: the one left keeps it as its draft, the one shown
 * gets its own back (empty if it had none). Before any session was shown, what was typed stays.
 */
function swapInput(state: AppState, id: string): AppState {
  const left = state.currentId;
  if (left === null || left === id) return state;
  const { history } = state.input;
  const kept =
    state.input.text === '' ? deleteIn(state.drafts, left) : setIn(state.drafts, left, state.input);
  const back = kept.get(id);
  return {
    ...state,
    drafts: deleteIn(kept, id),
    input: back === undefined ? emptyInput(history) : { ...back, history },
    menu: { text: '', index: 0, closed: false },
  };
}

/** Puts a session open here on screen. A session left behind stays open: its turn may still be streaming. */
function show(state: AppState, id: string): Step {
  const open = state.open.get(id);
  if (open === undefined) return step(state);
  const shown = { ...swapInput(state, id), currentId: id, sessionCursor: id };
  const told = open.readOnly
    ? withNote(shown, readOnlyText(open.holder), 'warning')
    : open.holder !== null
      ? withNote(shown, attachedText(open.holder), 'info')
      : shown;
  return step(noteCatchUp(told, id, open.catchUp), { kind: 'readContext', sessionId: id });
}

/** A session was opened; it is shown unless another was chosen since (`token` null: shown anyway). */
export function opened(state: AppState, snapshot: SessionSnapshot, token: number | null): Step {
  const id = snapshot.sessionId;
  const known = state.open.get(id);
  const session = known ?? fromSnapshot(snapshot);
  const withOpen = {
    ...state,
    open: known === undefined ? setIn(state.open, id, session) : state.open,
    stale:
      known === undefined && !state.stale.has(id) ? setIn(state.stale, id, snapshot.staleFiles) : state.stale,
  };
  // A later switch (Ctrl-N held down) wins over an earlier open that finished late.
  if (token !== null && token !== state.switchToken) return step(withOpen);
  const busy = snapshot.busy ? { ...withOpen, busy: addTo(withOpen.busy, id) } : withOpen;
  return show(busy, id);
}

/** The terminal that wrote a session this view followed left, and this one writes it now. */
export function tookOver(state: AppState, snapshot: SessionSnapshot): Step {
  const id = snapshot.sessionId;
  if (state.open.get(id)?.readOnly !== true) return step(state);
  const writable = { ...state, open: setIn(state.open, id, fromSnapshot(snapshot)) };
  const text = 'The terminal that was writing this session left: this view writes it now.';
  return step(withNote(writable, text, 'info', id), { kind: 'readContext', sessionId: id });
}

/** Shows a session: at once when it is open here, else once it is opened. */
export function switchTo(state: AppState, id: string): Step {
  if (id === state.currentId) return step(state);
  const switchToken = state.switchToken + 1;
  const chosen = { ...state, switchToken };
  if (chosen.open.has(id)) return show(chosen, id);
  return step(chosen, { kind: 'open', sessionId: id, token: switchToken });
}

/** Session ids in the order the Sessions pane shows them (this project first, forks under their origin). */
const orderMemo = new WeakMap<readonly SessionSummary[], { key: string; order: string[] }>();

export function sessionOrder(state: AppState): string[] {
  const { projectId, projectGroup } = state.facts;
  const key = `${projectId}|${projectGroup ?? ''}`;
  const hit = orderMemo.get(state.summaries);
  if (hit !== undefined && hit.key === key) return hit.order;
  const order = groupSessions(state.summaries, projectId, projectGroup).flatMap((g) =>
    g.sessions.map((s) => s.summary.id),
  );
  orderMemo.set(state.summaries, { key, order });
  return order;
}

/** Ctrl-N / Ctrl-P: the neighbour in the order the Sessions pane shows. */
export function stepSession(state: AppState, delta: 1 | -1): Step {
  const order = sessionOrder(state);
  if (order.length === 0) return step(state);
  const at = state.currentId === null ? -1 : order.indexOf(state.currentId);
  const next = order[(at + delta + order.length) % order.length];
  if (next === undefined || next === state.currentId) return step(state);
  return switchTo({ ...state, sessionCursor: next }, next);
}

/**
 * Up / Down in the Sessions pane (and the wheel over it). `unset` is where a cursor not yet placed
 * counts as standing: before the first session (keys) or on it (the wheel).
 */
export function moveSessionCursor(state: AppState, delta: 1 | -1, options: { unset: -1 | 0 }): AppState {
  const order = sessionOrder(state);
  const at = state.sessionCursor === null ? options.unset : order.indexOf(state.sessionCursor);
  return { ...state, sessionCursor: order[Math.max(0, Math.min(order.length - 1, at + delta))] ?? null };
}

export function listed(state: AppState, summaries: readonly SessionSummary[]): AppState {
  const cursor = state.sessionCursor;
  const gone = cursor !== null && !summaries.some((x) => x.id === cursor);
  return { ...state, summaries, sessionCursor: gone ? state.currentId : cursor };
}

/** The workspace opens with the picker: the cursor on this project's latest session. */
export function picker(state: AppState): AppState {
  const { summaries } = state;
  const sessionCursor =
    summaries.find((s) => s.projectId === state.facts.projectId)?.id ?? summaries[0]?.id ?? null;
  return withHint({ ...state, focus: 'sessions', sessionCursor }, 'pick a session with Up/Down and Enter');
}

export function notFound(state: AppState, name: string, closest: readonly string[]): AppState {
  const near = closest.length > 0 ? ` Did you mean: ${closest.join(', ')}?` : '';
  return withNote(state, `No session named ${name}.${near}`, 'warning');
}

/** /list: this project's sessions as one note. */
export function listSessions(state: AppState, now: number): AppState {
  const mine = state.summaries.filter((x) => x.projectId === state.facts.projectId);
  const rows = mine.map((x) => {
    const preview = x.lastPreview === '' ? '' : ` “${truncate(sanitizeLine(x.lastPreview), 40)}”`;
    return `${x.id === state.currentId ? '▶' : ' '} ${sanitizeLine(x.name)} (${plural(x.messageCount, 'message')}, ${formatAge(x.updatedAt, now)})${preview}`;
  });
  const others = state.summaries.length - mine.length;
  const elsewhere = others > 0 ? [`and ${plural(others, 'session')} in other projects`] : [];
  const text = rows.length === 0 ? 'Sessions of this project: none' : 'Sessions of this project:';
  return withNote(state, text, 'info', state.currentId, [...rows, ...elsewhere]);
}
