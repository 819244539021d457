/** What happened in the project since the session's last message, once, as a note in the conversation. */
import type { CatchUp } from '../../core/api.js';
import { catchUpText } from '../../core/project/index.js';
import { withNote } from './notes.js';
import { addTo, setIn, type AppState } from './state.js';

/** Shows a session's catch-up once (it comes both with the session's snapshot and as 'session.catchUp'). */
export function noteCatchUp(state: AppState, sessionId: string, catchUp: CatchUp | null): AppState {
  if (catchUp === null || state.caughtUp.has(sessionId)) return state;
  const open = state.open.get(sessionId);
  const remembered =
    open === undefined ? state : { ...state, open: setIn(state.open, sessionId, { ...open, catchUp }) };
  return withNote(
    { ...remembered, caughtUp: addTo(state.caughtUp, sessionId) },
    catchUpText(catchUp),
    catchUp.dirMissing ? 'warning' : 'info',
    sessionId,
  );
}
