/** Compression as the conversation shows it: a note while the summary is written, then what it saved or why not. */
import type { OctoEvents } from '../../core/events.js';
import type { CompactionTrigger } from '../../core/api.js';
import { plural } from '../../core/text/index.js';
import { compactNumber } from '../view/format.js';
import { step, type Step } from './actions.js';
import { withHint, withNote } from './notes.js';
import { addTo, removeFrom, withConversation, type AppState } from './state.js';

export const COMPRESSING = 'compressing context…';

export function triggerText(trigger: CompactionTrigger, level: number | null | undefined): string {
  switch (trigger) {
    case 'auto':
      return level === null || level === undefined ? 'auto' : `auto, past ${compactNumber(level)}`;
    case 'summarize':
      return '/summarize';
    case 'done':
      return '/done checkpoint';
  }
}

/** The compression is over: the session is free, and the "compressing" note has done its job. */
export function compressionEnded(state: AppState, sessionId: string): AppState {
  const freed = {
    ...state,
    compacting: removeFrom(state.compacting, sessionId),
    // Opened busy with a compression under way (attached to another process): no turn keeps it busy.
    busy: state.turnIds.has(sessionId) ? state.busy : removeFrom(state.busy, sessionId),
  };
  const dropped = withConversation(freed, sessionId, (conv) => ({
    notes: conv.notes.filter((n) => n.item.text !== COMPRESSING),
  }));
  return sessionId === state.currentId ? withHint(dropped, null) : dropped;
}

export function compacting(state: AppState, { sessionId }: OctoEvents['context.compacting']): AppState {
  const noted = withNote(
    { ...state, compacting: addTo(state.compacting, sessionId) },
    COMPRESSING,
    'info',
    sessionId,
  );
  return sessionId === state.currentId ? withHint(noted, COMPRESSING) : noted;
}

export function compacted(state: AppState, e: OctoEvents['context.compacted']): AppState {
  return withNote(
    compressionEnded(state, e.sessionId),
    `compressed ${plural(e.messages, 'message')}: ${compactNumber(e.tokensBefore)} → ${compactNumber(e.tokensAfter)} tokens (${triggerText(e.trigger, e.level)}); they stay in the history, marked`,
    'info',
    e.sessionId,
  );
}

/**
 * A failure that was recorded shows from the history (it stays after a restart); what it means for
 * the next try is a hint and the Context pane's business. An unrecorded one (the store failed) is a note.
 */
export function compactionFailed(state: AppState, e: OctoEvents['context.compactionFailed']): Step {
  const ended = compressionEnded(state, e.sessionId);
  if (e.tokens === undefined) {
    return step(
      withNote(
        ended,
        `Compression failed (${triggerText(e.trigger, null)}), the context was left as it was: ${e.reason}`,
        'warning',
        e.sessionId,
      ),
    );
  }
  if (e.sessionId !== state.currentId) return step(ended);
  const hinted =
    e.retryAt === undefined || e.octoNext === true
      ? ended
      : withHint(
          ended,
          e.retryAt === null
            ? 'compression failed; /summarize tries again'
            : `compression failed; next automatic try at ${compactNumber(e.retryAt)} tokens, or /summarize`,
        );
  return step(hinted, { kind: 'readContext', sessionId: e.sessionId });
}

/** What the summariser is doing now (a part of a long history, a retry), on the hint line. */
export function compactionProgress(
  state: AppState,
  { sessionId, activity }: OctoEvents['context.compactionProgress'],
): AppState {
  return sessionId === state.currentId ? withHint(state, `${COMPRESSING} ${activity}`) : state;
}
