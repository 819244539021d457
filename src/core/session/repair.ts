import type { MessageRecord, NewRecord, SessionRecord, SessionSummary } from '../store/index.js';

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

/** True when the records say who the session is: its `create` command (a zero-byte file has none). */
export function hasCreateRecord(records: readonly SessionRecord[]): boolean {
  return records.some((r) => r.kind === 'command' && r.command === 'create');
}

/**
 * The `create` command of a session whose file lost it (docs/faults.md row 3: a zero-byte file), from what
 * the index knew; a session the index knew nothing of takes its id as its name and the defaults.
 */
export function restoredCreateRecord(
  summary: SessionSummary,
  defaults: { model: string; projectDir: string; projectId: string },
): NewRecord {
  return {
    kind: 'command',
    command: 'create',
    id: summary.id,
    name: summary.name,
    projectDir: summary.projectDir === '' ? defaults.projectDir : summary.projectDir,
    projectId: summary.projectId === '' ? defaults.projectId : summary.projectId,
    model: summary.model === '' ? defaults.model : summary.model,
    ...(summary.parentId === undefined ? {} : { parentId: summary.parentId }),
    ...(summary.projectGroup === undefined ? {} : { projectGroup: summary.projectGroup }),
  };
}
