/**
 * The search box (Ctrl-F, or / in the Sessions pane): full text over all sessions through
 * ws.sessions.search; Enter on a hit opens its session and scrolls the conversation to the message.
 */
import type { SearchHit } from '../../core/api.js';
import { sanitizeText } from '../../core/text/index.js';
import { step, type KeyPress, type Step } from './actions.js';
import { scrollToSeq } from './scrolling.js';
import type { AppState } from './state.js';

export function openSearch(state: AppState): Step {
  return step({
    ...state,
    search: state.search ?? { query: '', searched: null, hits: [], cursor: 0, running: false },
  });
}

export function searched(state: AppState, query: string, hits: readonly SearchHit[]): AppState {
  const box = state.search;
  if (box === null) return state;
  // Typed on meanwhile: this answer is stale, and the box is free for the next Enter.
  if (box.query !== query) return { ...state, search: { ...box, running: false } };
  return { ...state, search: { ...box, searched: query, hits, cursor: 0, running: false } };
}

/** The hit's session is on screen: look at its message. */
export function hitShown(state: AppState, sessionId: string, seq: number): Step {
  if (state.currentId !== sessionId) return step(state);
  return scrollToSeq({ ...state, focus: 'conversation' }, seq);
}

function enter(state: AppState): Step {
  const box = state.search;
  if (box === null || box.running) return step(state);
  if (box.searched !== box.query) {
    if (box.query.trim() === '') return step(state);
    return step({ ...state, search: { ...box, running: true } }, { kind: 'search', query: box.query });
  }
  const hit = box.hits[box.cursor];
  if (hit === undefined) return step(state);
  return step(
    { ...state, search: null, sessionCursor: hit.sessionId },
    { kind: 'openHit', sessionId: hit.sessionId, seq: hit.seq },
  );
}

/** Keys while the box is open; null passes the key on (Ctrl-C still quits). */
export function searchKey(state: AppState, key: KeyPress): Step | null {
  const box = state.search;
  if (box === null || key.full === 'C-c') return null;
  switch (key.full) {
    case 'escape':
      return step({ ...state, search: null });
    case 'enter':
      return enter(state);
    case 'up':
    case 'down': {
      const cursor = box.cursor + (key.full === 'up' ? -1 : 1);
      return step({
        ...state,
        search: { ...box, cursor: Math.max(0, Math.min(box.hits.length - 1, cursor)) },
      });
    }
    case 'backspace':
      return step({ ...state, search: { ...box, query: [...box.query].slice(0, -1).join('') } });
    default: {
      if (key.ch === undefined || key.ctrl === true || key.meta === true) return step(state);
      const text = sanitizeText(key.ch).replace(/\s+/g, ' ');
      return text === '' ? step(state) : step({ ...state, search: { ...box, query: box.query + text } });
    }
  }
}
