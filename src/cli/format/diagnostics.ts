/** Short stderr lines for what happens around a turn; every outside string is sanitised. */
import type { BudgetFacts } from '../../core/events.js';
import { assertNever } from '../../core/errors.js';
import type { LockHolder, StoreWarning, ToolCall } from '../../core/api.js';
import { sanitizeLine } from '../../core/text/index.js';

/** Characters of tool arguments and results shown on one stderr line. */
const PREVIEW_CHARS = 120;

function clip(text: string): string {
  const line = sanitizeLine(text).trim();
  return line.length <= PREVIEW_CHARS ? line : `${line.slice(0, PREVIEW_CHARS - 1)}…`;
}

export function describeToolCall(call: ToolCall): string {
  return `· ${clip(call.name)} ${clip(call.arguments)}`;
}

export function describeToolFailure(toolName: string, preview: string): string {
  return `  ✗ ${clip(toolName)}: ${clip(preview)}`;
}

/** A lock without an owner record (pid 0) is known only by its time. */
export function describeHolder(holder: LockHolder | null): string {
  if (holder === null) return 'another process';
  if (holder.pid <= 0) return `another process (locked since ${sanitizeLine(holder.since)})`;
  return `process ${holder.pid} on ${sanitizeLine(holder.host)} since ${sanitizeLine(holder.since)}`;
}

export function describeStoreWarning(warning: StoreWarning): string {
  switch (warning.kind) {
    case 'tornTail':
      return `A torn last line (${warning.bytes} bytes) of session ${warning.sessionId} was set aside in ${sanitizeLine(warning.setAsidePath)}.`;
    case 'permissionsTightened':
      return `Tightened the permissions of ${sanitizeLine(warning.path)} from ${warning.from.toString(8)} to ${warning.to.toString(8)}.`;
    case 'staleLockTaken':
      return `Took over a stale lock on session ${warning.sessionId} left by ${describeHolder(warning.holder)}.`;
    case 'danglingToolCall':
      return `A tool call (${sanitizeLine(warning.toolCallId)}) cut short by a crash was given an "interrupted" result.`;
    case 'indexRebuilt':
      return `The session index was rebuilt: ${sanitizeLine(warning.reason)}.`;
    case 'storeIssue':
      return `${sanitizeLine(warning.path)}: ${sanitizeLine(warning.message)}`;
    default:
      return assertNever(warning, 'store warning');
  }
}

export function describeBudget(facts: BudgetFacts): string {
  const amount = (value: number): string =>
    facts.limit === 'session_tokens' ? String(value) : `$${value.toFixed(2)}`;
  return `${facts.limit.replace('_', ' ')} limit: ${amount(facts.used)} of ${amount(facts.max)} used.`;
}
