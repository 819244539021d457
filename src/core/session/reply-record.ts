/** The assistant records a model call leaves: its whole reply, or what streamed before it stopped. */
import type { CompletionResult, PartialCompletion } from '../provider/index.js';
import type { Redactor } from '../text/index.js';
import type { NewRecord } from '../store/index.js';

/** Fields of a `reasoning_details` entry that hold readable text (the rest is opaque). */
const READABLE_FIELDS = ['text', 'summary'] as const;

export function replyRecord(
  result: CompletionResult,
  model: string,
  cost: number | null,
  redactor: Redactor,
): NewRecord {
  const details = result.reasoningDetails === null ? [] : redactDetails(result.reasoningDetails, redactor);
  return {
    kind: 'message',
    role: 'assistant',
    content: redactor.redact(result.content),
    ...(result.toolCalls.length > 0 ? { toolCalls: result.toolCalls } : {}),
    model,
    // Null, not zeros, when the provider reported nothing: unknown is not free.
    usage: result.usage,
    cost,
    costSource: 'main',
    inContext: true,
    ...(result.reasoning !== '' ? { reasoning: redactor.redact(result.reasoning) } : {}),
    ...(result.reasoningSource !== null ? { reasoningSource: result.reasoningSource } : {}),
    ...(details.length > 0 ? { reasoningDetails: details } : {}),
    ...(result.finishReason !== null ? { finishReason: result.finishReason } : {}),
    ...(result.providerFinishReason !== null ? { providerFinishReason: result.providerFinishReason } : {}),
    durationMs: result.durationMs,
  };
}

/**
 * What streamed before a failure or an abort, marked interrupted (docs/faults.md rows 12, 16 and 24); null
 * when nothing did. Its cost is unknown: the provider may bill a cut reply but reported nothing.
 */
export function partialRecord(
  partial: PartialCompletion,
  model: string,
  failed: boolean,
  redactor: Redactor,
): NewRecord | null {
  if (partial.content === '' && partial.reasoning === '') return null;
  return {
    kind: 'message',
    role: 'assistant',
    content: redactor.redact(partial.content),
    model,
    usage: null,
    cost: null,
    costSource: 'main',
    inContext: true,
    interrupted: true,
    ...(partial.reasoning !== '' ? { reasoning: redactor.redact(partial.reasoning) } : {}),
    ...(failed ? { finishReason: 'error' as const } : {}),
  };
}

/**
 * Secrets out of the readable text of `reasoning_details`; opaque fields (encrypted `data`, a
 * `signature`) stay byte for byte. A signature covers its exact text, so a signed entry whose text
 * had to change would be refused when sent back: it is dropped instead.
 */
function redactDetails(details: readonly unknown[], redactor: Redactor): unknown[] {
  return details.flatMap((entry) => {
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) return [entry];
    const copy: Record<string, unknown> = { ...(entry as Record<string, unknown>) };
    let changed = false;
    for (const key of READABLE_FIELDS) {
      const value = copy[key];
      if (typeof value !== 'string') continue;
      const clean = redactor.redact(value);
      if (clean !== value) {
        copy[key] = clean;
        changed = true;
      }
    }
    const signed = copy.signature !== undefined && copy.signature !== null;
    return changed && signed ? [] : [copy];
  });
}
