/**
 * History not read yet (docs/architecture.md, Opening a long session from its end): a long session resumed from its end holds only what the context
 * needs and the screen's last page. The rest is read when the conversation reaches its top, Home is
 * pressed, or a search hit lies before the loaded records; until then a line at the top says so.
 */
import type { SessionRecord } from '../../core/api.js';
import { withThousands } from '../../core/text/index.js';
import type { ConversationItem } from '../view/conversation-items.js';
import { step, type EarlierThen, type Step } from './actions.js';
import { itemsOf } from './history.js';
import { conversationOf, setIn, withConversation, type AppState, type OpenSessionState } from './state.js';

/** What the line above the input says while a read asked for by Home or a search hit runs. */
function readingHint(count: number): string {
  return `Reading ${withThousands(count)} earlier records…`;
}
const READING_HINT = /^Reading [\d,]+ earlier records…$/;

/**
 * Reads the session's earlier records unless all are read or the read is under way. Asked for by a
 * key (`then` set), the line above the input says so: a long history takes a while, and the line at the
 * top of the conversation may be out of view.
 */
export function askEarlier(state: AppState, sessionId: string, then: EarlierThen): Step | null {
  const open = state.open.get(sessionId);
  if (open === undefined || open.earlier === 0) return null;
  const hint = then === null ? state.hint : { text: readingHint(open.earlier), tone: 'info' as const };
  if (open.loadingEarlier) return step({ ...state, hint });
  return step(
    { ...state, hint, open: setIn(state.open, sessionId, { ...open, loadingEarlier: true }) },
    { kind: 'loadEarlier', sessionId, then },
  );
}

/** The read ended (its records came as a 'replaced' change before this); its hint goes. */
export function earlierDone(state: AppState, sessionId: string): AppState {
  const open = state.open.get(sessionId);
  if (open === undefined || !open.loadingEarlier) return state;
  const hint = READING_HINT.test(state.hint?.text ?? '') ? null : state.hint;
  return { ...state, hint, open: setIn(state.open, sessionId, { ...open, loadingEarlier: false }) };
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
