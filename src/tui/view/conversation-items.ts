/**
 * Session records to conversation items: one item per message, tool calls joined with their results,
 * commands and compactions as notes. Text stays raw here; it is sanitised when lines are made.
 */
import type { CompactionRecord, FinishReason, Role, SessionRecord, ToolCall } from '../../core/api.js';
import { plural } from '../../core/text/index.js';

/** A reply's request: its tokens (null when the provider reported none) and cost (null: price unknown). */
export interface MessageSpend {
  input: number | null;
  output: number | null;
  cost: number | null;
}

export interface ToolResultFacts {
  content: string;
  synthetic: boolean;
  inContext: boolean;
}

export type ConversationItem =
  | {
      kind: 'message';
      /** Stable identity (selection, expansion). */
      key: string;
      /** Changes whenever what the item shows changes (line cache). */
      rev: string;
      role: Role;
      content: string;
      reasoning: string;
      model: string | null;
      inContext: boolean;
      interrupted: boolean;
      attachments: string[];
      /** Why the model stopped, when the reply came from a request. */
      finishReason: FinishReason | null;
      /** The provider's own word for it, when it was not one of the five. */
      providerFinishReason: string | null;
      /** What the request that wrote it spent (replies only; null when it came from no request). */
      spend: MessageSpend | null;
    }
  | {
      kind: 'tool';
      key: string;
      rev: string;
      call: ToolCall;
      result: ToolResultFacts | null;
      inContext: boolean;
      /** What the request spent, on the first call of a reply that said nothing but its calls. */
      spend?: MessageSpend | null;
    }
  | {
      kind: 'note';
      key: string;
      rev?: string;
      text: string;
      tone: 'info' | 'compacted' | 'warning' | 'error';
      detail: string;
      /** Lines always shown under the text (tables of command results). */
      body?: string[];
      /** Drawn as a rule across the pane, its detail always shown (the summary now in the context). */
      divider?: boolean;
    };

/** The compaction whose summary the context holds now: the last one neither failed nor undone. */
function latestCompactionSeq(records: readonly SessionRecord[]): number | null {
  for (let i = records.length - 1; i >= 0; i--) {
    const r = records[i];
    if (r?.kind === 'compaction' && r.failed === undefined && r.undone !== true) return r.seq;
  }
  return null;
}

function compactionItem(record: CompactionRecord, latest: boolean): ConversationItem {
  const undone = record.undone === true;
  const figures = `${plural(record.compactedSeqs.length, 'message')} summarised${compactionLabel(record)} (${record.tokensBefore} → ${record.tokensAfter} tokens)`;
  return {
    kind: 'note',
    key: `c${record.seq}`,
    rev: `${undone ? 1 : 0}${latest ? 'L' : ''}`,
    tone: 'compacted',
    text: latest
      ? `Context summary: ${figures}`
      : `${undone ? 'Undone compaction' : 'Compacted'}: ${figures}`,
    detail: record.summary,
    ...(latest ? { divider: true } : {}),
  };
}

/** Finish reasons after which a reply is not whole. */
export function unfinished(reason: FinishReason | null | undefined): boolean {
  return reason === 'length' || reason === 'content_filter' || reason === 'error';
}

/**
 * A failed attempt compacted nothing, but the user must see that it failed, and why (it pauses the
 * next). When the request would not have fit, octo compressed without the model right after it.
 */
function failedItem(record: CompactionRecord, octoAfter: boolean): ConversationItem {
  const how = record.trigger === undefined || record.trigger === 'auto' ? 'automatic' : `/${record.trigger}`;
  const then = octoAfter
    ? 'The request would not have fit the window, so octo compressed without the model.'
    : 'The context was left as it was.';
  return {
    kind: 'note',
    key: `c${record.seq}`,
    tone: 'warning',
    text: `Compression failed (${how}, at ${record.tokensBefore} tokens): ${record.failed ?? ''}. ${then}`,
    detail: '',
  };
}

/** Whether the compaction after `index` (past the knowledge it wrote first) is octo's own. */
function octoFollows(records: readonly SessionRecord[], index: number): boolean {
  for (let i = index + 1; i < records.length; i += 1) {
    const next = records[i];
    if (next?.kind !== 'knowledge') return next?.kind === 'compaction' && next.form === 'octo';
  }
  return false;
}

function compactionLabel(record: CompactionRecord): string {
  switch (record.form) {
    case 'octo':
      return ' by octo, without a model';
    case 'prose':
      return ' (the summariser wrote prose)';
    case 'structured':
    case undefined:
      return '';
  }
}

/** Items for the records; a tool result joins the item of its call (it stands alone only if orphaned). */
export function buildItems(records: readonly SessionRecord[]): ConversationItem[] {
  const items: ConversationItem[] = [];
  const latest = latestCompactionSeq(records);
  const callIndex = new Map<string, number>();
  for (const [at, record] of records.entries()) {
    switch (record.kind) {
      case 'message': {
        const index = record.role === 'tool' ? callIndex.get(record.toolCallId ?? '') : undefined;
        if (index !== undefined) {
          const item = items[index];
          if (item?.kind === 'tool') {
            const result = {
              content: record.content,
              synthetic: record.synthetic === true,
              inContext: record.inContext,
            };
            items[index] = { ...item, rev: `${item.rev}+${record.seq}:${record.inContext ? 1 : 0}`, result };
          }
          break;
        }
        const calls = record.toolCalls ?? [];
        // A reply that only calls tools says nothing itself: its calls speak for it (its reasoning, if
        // any, is shown collapsed; a cut-off or filtered end still needs saying).
        const silent =
          record.role === 'assistant' &&
          record.content === '' &&
          calls.length > 0 &&
          (record.reasoning ?? '') === '' &&
          !unfinished(record.finishReason);
        const spend: MessageSpend | null =
          record.cost === undefined
            ? null
            : { input: record.usage?.input ?? null, output: record.usage?.output ?? null, cost: record.cost };
        if (!silent)
          items.push({
            kind: 'message',
            key: `m${record.seq}`,
            rev: `${record.inContext ? 1 : 0}`,
            role: record.role,
            content: record.content,
            reasoning: record.reasoning ?? '',
            model: record.model ?? null,
            inContext: record.inContext,
            interrupted: record.interrupted === true,
            attachments: (record.attachments ?? []).map((a) => a.name),
            finishReason: record.finishReason ?? null,
            providerFinishReason: record.providerFinishReason ?? null,
            spend,
          });
        for (const [i, call] of calls.entries()) {
          callIndex.set(call.id, items.length);
          items.push({
            kind: 'tool',
            key: `t${record.seq}:${call.id}`,
            rev: `${record.inContext ? 1 : 0}`,
            call,
            result: null,
            inContext: record.inContext,
            ...(silent && i === 0 ? { spend } : {}),
          });
        }
        break;
      }
      case 'compaction':
        items.push(
          record.failed === undefined
            ? compactionItem(record, record.seq === latest)
            : failedItem(record, octoFollows(records, at)),
        );
        break;
      case 'command':
        if (record.command === 'model') {
          items.push({
            kind: 'note',
            key: `k${record.seq}`,
            tone: 'info',
            text: `Model changed: ${record.previous} → ${record.model}`,
            detail: '',
          });
        } else if (record.command === 'rename') {
          items.push({
            kind: 'note',
            key: `k${record.seq}`,
            tone: 'info',
            text: `Renamed from ${record.previous} to ${record.name}`,
            detail: '',
          });
        }
        break;
      case 'knowledge':
        if (record.op === 'add' && record.text !== undefined) {
          items.push({
            kind: 'note',
            key: `n${record.seq}`,
            tone: 'info',
            text: `Knowledge (${record.category ?? 'note'}): ${record.text}`,
            detail: '',
          });
        }
        break;
      case 'attachment':
        break;
    }
  }
  return items;
}
