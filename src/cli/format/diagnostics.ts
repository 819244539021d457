/** Short stderr lines for what happens around a turn; every outside string is sanitised. */
import type { Workspace } from '../../core/api.js';
import type { BudgetFacts, OctoEvents } from '../../core/events.js';
import { assertNever } from '../../core/errors.js';
import type { CompactionTrigger, LockHolder, StoreWarning, ToolCall } from '../../core/api.js';
import { plural, sanitizeLine } from '../../core/text/index.js';
import type { Output } from '../io.js';
import { compactNumber, formatCost } from './values.js';

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
      return `A torn last line (${warning.bytes} bytes) of session ${sanitizeLine(warning.path)} was set aside in ${sanitizeLine(warning.setAsidePath)}.`;
    case 'permissionsTightened':
      return `Tightened the permissions of ${sanitizeLine(warning.path)} from ${warning.from.toString(8)} to ${warning.to.toString(8)}.`;
    case 'staleLockTaken':
      return `Took over a stale lock on ${sanitizeLine(warning.path)} left by ${describeHolder(warning.holder)}.`;
    case 'danglingToolCall':
      return `${sanitizeLine(warning.path)}: the tool call ${sanitizeLine(warning.toolCallId)} (${sanitizeLine(warning.toolName)}), cut short by a crash, was given an "interrupted" result.`;
    case 'indexRebuilt':
      return `The session index ${sanitizeLine(warning.path)} was rebuilt: ${sanitizeLine(warning.reason)}.`;
    case 'storeIssue':
      return `${sanitizeLine(warning.path)}: ${sanitizeLine(warning.message)}`;
    default:
      return assertNever(warning, 'store warning');
  }
}

export function describeBudget(facts: BudgetFacts): string {
  const amount = (value: number): string =>
    facts.limit === 'session_tokens' ? String(value) : formatCost(value, { significant: true });
  return `${facts.limit.replace('_', ' ')} limit: ${amount(facts.used)} of ${amount(facts.max)} used.`;
}

/** "compression failed (auto): <reason>; the context was left as it was; next automatic try at 108k tokens". */
export function describeCompressionFailed(event: OctoEvents['context.compactionFailed']): string {
  const at = event.tokens === undefined ? '' : ` at ${compactNumber(event.tokens)} tokens`;
  if (event.octoNext === true)
    return `warning: compression failed${at} (${triggerName(event.trigger)}): ${clip(event.reason)}; the request would not fit the window, so octo compresses without the model`;
  const next =
    event.retryAt === undefined
      ? ''
      : event.retryAt === null
        ? '; automatic compression waits until the request would not fit the window, then octo summarises without the model'
        : `; the next automatic try comes at ${compactNumber(event.retryAt)} tokens`;
  return `warning: compression failed${at} (${triggerName(event.trigger)}): ${clip(event.reason)}; the context was left as it was${next}`;
}

/** "compressed 240 messages: 80k → 20k tokens (auto, in 3 requests, written as prose)". */
export function describeCompacted(event: OctoEvents['context.compacted']): string {
  const how = [
    triggerName(event.trigger),
    ...(event.requests !== undefined && event.requests > 1 ? [`in ${event.requests} requests`] : []),
    ...(event.form === 'prose' ? ['the summariser wrote prose'] : []),
    ...(event.form === 'octo' ? ['by octo, without a model'] : []),
  ];
  return `compressed ${plural(event.messages, 'message')}: ${compactNumber(event.tokensBefore)} → ${compactNumber(event.tokensAfter)} tokens (${how.join(', ')})`;
}

function triggerName(trigger: CompactionTrigger): string {
  return trigger === 'auto' ? 'auto' : `/${trigger}`;
}

/**
 * What the store repaired or could not do reaches stderr, naming the file (the full screen shows them
 * in its own way). Subscribed for the workspace's whole life: warnings raised while a session opens
 * (held by the core until someone listens) and while it closes are printed too.
 */
export function printWarnings(ws: Workspace, output: Output): void {
  const note = noteWarning(output);
  ws.on('store.warning', (e) => note(e.warning));
}

/** One store warning as a stderr line. */
export function noteWarning(output: Output): (warning: StoreWarning) => void {
  return (warning) => output.note(`warning: ${describeStoreWarning(warning)}`);
}
