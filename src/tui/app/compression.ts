/** Compression as the conversation shows it: a note while the summary is written, then what it saved or why not. */
import type { OctoEvents } from '../../core/events.js';
import type { CompactionTrigger } from '../../core/api.js';
import { compactNumber } from '../view/format.js';
import type { Controller } from './controller.js';
import { conversationOf } from './state.js';

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

/** The "compressing" note has done its job once the outcome is known. */
function dropCompressingNote(c: Controller, sessionId: string): void {
  const conv = conversationOf(c.state, sessionId);
  conv.notes = conv.notes.filter((n) => n.item.text !== COMPRESSING);
  if (sessionId === c.state.currentId) c.setHint(null);
}

function compacting(c: Controller, { sessionId }: OctoEvents['context.compacting']): void {
  c.note(COMPRESSING, 'info', sessionId);
  if (sessionId === c.state.currentId) c.setHint(COMPRESSING);
}

function compacted(c: Controller, e: OctoEvents['context.compacted']): void {
  c.history.invalidate(e.sessionId);
  dropCompressingNote(c, e.sessionId);
  c.note(
    `compressed ${e.messages} messages: ${compactNumber(e.tokensBefore)} → ${compactNumber(e.tokensAfter)} tokens (${triggerText(e.trigger, e.level)}); they stay in the history, marked`,
    'info',
    e.sessionId,
  );
  if (e.sessionId === c.state.currentId) c.refreshContext();
}

/**
 * A failure that was recorded shows from the history (it stays after a restart); what it means for
 * the next try is a hint and the Context pane's business. An unrecorded one (the store failed) is a note.
 */
function failed(c: Controller, e: OctoEvents['context.compactionFailed']): void {
  dropCompressingNote(c, e.sessionId);
  if (e.tokens === undefined) {
    c.note(
      `Compression failed (${triggerText(e.trigger, null)}), the context was left as it was: ${e.reason}`,
      'warning',
      e.sessionId,
    );
    return;
  }
  c.history.invalidate(e.sessionId);
  if (e.sessionId !== c.state.currentId) return;
  c.refreshContext();
  if (e.retryAt !== undefined)
    c.setHint(
      e.retryAt === null
        ? 'compression failed; /summarize tries again'
        : `compression failed; next automatic try at ${compactNumber(e.retryAt)} tokens, or /summarize`,
    );
}

/** Subscribes the compression and knowledge events; returns the unsubscribe functions. */
export function compressionListeners(c: Controller): Array<() => void> {
  return [
    c.ws.on('context.compacting', (e) => compacting(c, e)),
    c.ws.on('context.compacted', (e) => compacted(c, e)),
    c.ws.on('context.compactionFailed', (e) => failed(c, e)),
    c.ws.on('context.compactionProgress', ({ sessionId, activity }) => {
      if (sessionId === c.state.currentId) c.setHint(`${COMPRESSING} ${activity}`);
    }),
    // Pinning or forgetting changes what the knowledge part of the next request holds.
    c.ws.on('knowledge.changed', ({ sessionId }) => {
      if (sessionId === c.state.currentId) c.refreshContext();
    }),
  ];
}
