/**
 * History not read yet (issue 15): a long session resumed from its end holds only what the context
 * needs and the screen's last page. The rest is read when the conversation reaches its top, Home is
 * pressed, or a search hit lies before the loaded records; until then a line at the top says so.
 */
import type { SessionRecord } from '../../core/api.js';
import { withThousands } from '../../core/text/index.js';
import type { ConversationItem } from '../view/conversation-items.js';
import { step, type EarlierThen, type Step } from './actions.js';
import { itemsOf } from './history.js';
import { conversationOf, setIn, withConversation, type AppState, type OpenSessionState } from './state.js';

/** Reads the session's earlier records unless all are read or the read is under way. */
export function askEarlier(state: AppState, sessionId: string, then: EarlierThen): Step | null {
  const open = state.open.get(sessionId);
  if (open === undefined || open.earlier === 0) return null;
  if (open.loadingEarlier) return step(state);
  return step(
    { ...state, open: setIn(state.open, sessionId, { ...open, loadingEarlier: true }) },
    { kind: 'loadEarlier', sessionId, then },
  );
}

/** The read ended (its records came as a 'replaced' change before this). */
export function earlierDone(state: AppState, sessionId: string): AppState {
  const open = state.open.get(sessionId);
  if (open === undefined || !open.loadingEarlier) return state;
  return { ...state, open: setIn(state.open, sessionId, { ...open, loadingEarlier: false }) };
}

/** The first loaded record's seq, when records before it are not read yet. */
export function firstLoadedSeq(open: OpenSessionState): number | null {
  return open.earlier === 0 ? null : (open.records[0]?.seq ?? null);
}

/**
 * After the earlier records arrived in front of the loaded ones: the screen's notes and /clear point
 * at items by index, so they move by the items that came in front.
 */
export function shiftForEarlier(
  state: AppState,
  sessionId: string,
  before: readonly SessionRecord[],
  after: readonly SessionRecord[],
): AppState {
  const firstKey = itemsOf(before)[0]?.key;
  if (firstKey === undefined || !state.conversations.has(sessionId)) return state;
  const added = itemsOf(after).findIndex((item) => item.key === firstKey);
  if (added <= 0) return state;
  const conv = conversationOf(state, sessionId);
  return withConversation(state, sessionId, () => ({
    clearedAt: conv.clearedAt === 0 ? 0 : conv.clearedAt + added,
    notes: conv.notes.map((note) => ({ ...note, after: note.after + added })),
  }));
}

/** The line at the top of a conversation whose start is not read yet. */
export function earlierItem(open: OpenSessionState): ConversationItem | null {
  if (open.earlier === 0) return null;
  const count = withThousands(open.earlier);
  return {
    kind: 'note',
    key: 'earlier',
    rev: `${open.earlier}${open.loadingEarlier ? 'r' : ''}`,
    tone: 'info',
    text: open.loadingEarlier
      ? `Reading ${count} earlier records…`
      : `${count} earlier records not read yet: scroll up or press Home to read them`,
    detail: '',
  };
}
