/** What happened in the project since the session's last message, in one line for the conversation. */
import type { CatchUp } from '../../core/api.js';
import { plural, sanitizeLine } from '../../core/text/index.js';
import { withNote } from './notes.js';
import { addTo, setIn, type AppState } from './state.js';

/** Names of changed files shown before "and N more". */
const FILES_SHOWN = 5;

export function catchUpText(catchUp: CatchUp): string {
  if (catchUp.dirMissing)
    return `Since the last message: the project directory ${sanitizeLine(catchUp.projectDir)} is gone.`;
  const parts: string[] = [];
  if (catchUp.commitCount > 0) {
    const latest = catchUp.commits[0];
    const subject = latest === undefined ? '' : ` (latest: ${sanitizeLine(latest.subject)})`;
    parts.push(`${plural(catchUp.commitCount, 'commit')}${subject}`);
  }
  if (catchUp.filesChangedCount > 0) {
    const names = catchUp.filesChanged.slice(0, FILES_SHOWN).map(sanitizeLine).join(', ');
    const more = catchUp.filesChangedCount - Math.min(FILES_SHOWN, catchUp.filesChanged.length);
    parts.push(
      `${plural(catchUp.filesChangedCount, 'file')} changed: ${names}${more > 0 ? ` and ${more} more` : ''}`,
    );
  }
  if (catchUp.readFilesChanged.length > 0)
    parts.push(`changed since the model read them: ${catchUp.readFilesChanged.map(sanitizeLine).join(', ')}`);
  const body = parts.length === 0 ? 'nothing changed in the project' : parts.join(' · ');
  const problem = catchUp.problem === null ? '' : ` (${sanitizeLine(catchUp.problem)})`;
  return `Since the last message: ${body}${problem}. The model gets a short note of it with the next message.`;
}

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
