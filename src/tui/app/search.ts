/**
 * The search box (Ctrl-F, or / in the Sessions pane): full text over all sessions through
 * ws.sessions.search; Enter on a hit opens its session and scrolls the conversation to the message.
 */
import { sanitizeText } from '../../core/text/index.js';
import type { KeyEvent } from '../blessed.js';
import type { Controller } from './controller.js';
import { scrollToSeq } from './scrolling.js';
import { switchTo } from './sessions.js';

/** Hits asked for: a screenful and some. */
const SEARCH_LIMIT = 50;

export function openSearch(c: Controller): true {
  c.state.search ??= { query: '', searched: null, hits: [], cursor: 0, running: false };
  c.requestRender();
  return true;
}

async function runSearch(c: Controller, query: string): Promise<void> {
  const box = c.state.search;
  if (box === null) return;
  c.state.search = { ...box, running: true };
  c.requestRender();
  const hits = await c.ws.sessions.search(query, { limit: SEARCH_LIMIT });
  // Typed on meanwhile, or closed: this answer is stale.
  if (c.state.search?.query !== query) return;
  c.state.search = { ...c.state.search, searched: query, hits, cursor: 0, running: false };
  c.requestRender();
}

async function openHit(c: Controller, sessionId: string, seq: number): Promise<void> {
  c.state.search = null;
  c.state.sessionCursor = sessionId;
  await switchTo(c, sessionId);
  if (c.state.currentId === sessionId) {
    c.state.focus = 'conversation';
    scrollToSeq(c, seq);
  }
}

function enter(c: Controller): void {
  const box = c.state.search;
  if (box === null || box.running) return;
  const query = box.query.trim();
  if (box.searched !== box.query) {
    if (query !== '') c.run('Searching', () => runSearch(c, box.query));
    return;
  }
  const hit = box.hits[box.cursor];
  if (hit !== undefined) c.run('Opening the hit', () => openHit(c, hit.sessionId, hit.seq));
}

/** Keys while the box is open; false passes the key on (Ctrl-C still quits). */
export function searchKey(c: Controller, ch: string | undefined, key: KeyEvent): boolean {
  const box = c.state.search;
  if (box === null || key.full === 'C-c') return false;
  switch (key.full) {
    case 'escape':
      c.state.search = null;
      break;
    case 'enter':
      enter(c);
      break;
    case 'up':
    case 'down': {
      const cursor = box.cursor + (key.full === 'up' ? -1 : 1);
      c.state.search = { ...box, cursor: Math.max(0, Math.min(box.hits.length - 1, cursor)) };
      break;
    }
    case 'backspace':
      c.state.search = { ...box, query: [...box.query].slice(0, -1).join('') };
      break;
    default: {
      if (ch === undefined || key.ctrl === true || key.meta === true) return true;
      const text = sanitizeText(ch).replace(/\s+/g, ' ');
      if (text !== '') c.state.search = { ...box, query: box.query + text };
    }
  }
  c.requestRender();
  return true;
}
