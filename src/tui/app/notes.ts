/** Lines the screen adds on its own: notes in a session's conversation, and the hint above the input. */
import { sanitizeLine, sanitizeText } from '../../core/text/index.js';
import { earlierItem } from './earlier.js';
import { displayItems, itemsOf } from './history.js';
import { conversationOf, withConversation, type AppState, type Tone } from './state.js';
import type { ConversationItem } from '../view/conversation-items.js';

export function withHint(state: AppState, text: string | null, tone: Tone = 'info'): AppState {
  return { ...state, hint: text === null ? null : { text, tone } };
}

/** Items of a session's history (none when it is not open here). */
export function historyItems(state: AppState, sessionId: string): ConversationItem[] {
  const open = state.open.get(sessionId);
  return open === undefined ? [] : itemsOf(open.records);
}

/** The items the conversation pane shows for the session on screen (after a line for history not read yet). */
export function currentItems(state: AppState): ConversationItem[] {
  const id = state.currentId;
  const open = id === null ? undefined : state.open.get(id);
  if (id === null || open === undefined) return [];
  const conv = conversationOf(state, id);
  const items = displayItems(historyItems(state, id), conv);
  const earlier = conv.clearedAt === 0 ? earlierItem(open) : null;
  return earlier === null ? items : [earlier, ...items];
}

/**
 * A transient line in a session's conversation (command results, errors, warnings), after what the
 * history holds now; with no session, the hint above the input.
 */
export function withNote(
  state: AppState,
  text: string,
  tone: Tone,
  sessionId: string | null = state.currentId,
  body: readonly string[] = [],
): AppState {
  if (sessionId === null) return withHint(state, sanitizeLine(text), tone);
  const after = historyItems(state, sessionId).length;
  const noteCount = state.noteCount + 1;
  const item: ConversationItem = {
    kind: 'note',
    key: `x${noteCount}`,
    tone,
    // Its lines are kept (drawn one under the other); everything else is sanitised when drawn.
    text: sanitizeText(text),
    detail: '',
    ...(body.length > 0 ? { body: body.map(sanitizeLine) } : {}),
  };
  const noted = withConversation({ ...state, noteCount }, sessionId, (conv) => ({
    notes: [...conv.notes, { after, item }],
    // A new note on screen is worth seeing: the pane follows it.
    ...(sessionId === state.currentId ? { scroll: 0 } : {}),
  }));
  return noted;
}

/** A recoverable failure of one action, shown in place (the controller logged it). */
export function withFailure(
  state: AppState,
  what: string,
  message: string,
  logProblem: string | null,
): AppState {
  const noted = withNote(state, `${what}: ${message}`, 'error');
  return logProblem === null ? noted : withNote(noted, logProblem, 'warning');
}
