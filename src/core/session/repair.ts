import type { MessageRecord, NewRecord, SessionRecord } from '../store/index.js';

export const INTERRUPTED_TOOL_RESULT =
  '[interrupted: the session stopped before this tool call finished; it may not have run, or run only in part]';

/**
 * Tool calls of assistant messages that have no result record (invariant 3 in docs/architecture.md): a crash in the middle
 * of a tool call leaves them behind.
 */
export function danglingToolCalls(records: readonly SessionRecord[]): Array<{ id: string; name: string }> {
  const answered = new Set<string>();
  for (const record of records) {
    if (record.kind === 'message' && record.role === 'tool' && record.toolCallId)
      answered.add(record.toolCallId);
  }
  const dangling: Array<{ id: string; name: string }> = [];
  for (const record of records) {
    if (record.kind !== 'message' || record.role !== 'assistant') continue;
    for (const call of record.toolCalls ?? []) {
      if (!answered.has(call.id)) dangling.push({ id: call.id, name: call.name });
    }
  }
  return dangling;
}

/** The synthetic result written for a call that never got one. */
export function interruptedResult(
  call: { id: string; name: string },
  content = INTERRUPTED_TOOL_RESULT,
): NewRecord {
  const record: Omit<MessageRecord, 'seq' | 'at'> = {
    kind: 'message',
    role: 'tool',
    content,
    toolCallId: call.id,
    toolName: call.name,
    inContext: true,
    interrupted: true,
    synthetic: true,
  };
  return record;
}
