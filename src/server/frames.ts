/** The frames a session's records and turns become (docs/protocol.md). */
import {
  addUsage,
  ZERO_USAGE,
  type FinishReason,
  type SessionRecord,
  type SessionSummary,
  type ToolCall,
  type Usage,
} from '../core/store/index.js';
import type { ServerFrame } from './protocol.js';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
/** A frame before its session numbers it. */
export type OutFrame = DistributiveOmit<ServerFrame, 'seq'>;

/** What one turn spent, from the replies it stored (the session file is the truth, not the events). */
export interface TurnTally {
  turnId: string;
  /** Model requests the turn made (a reply cut short counts: it may be billed). */
  requests: number;
  /** Requests whose provider reported no usage: `usage` is then a lower bound. */
  unreported: number;
  usage: Usage;
  /** USD; null once a request of the turn had an unknown price. */
  cost: number | null;
  /** Why the last model call stopped, from turn.finished. */
  finishReason: FinishReason | null;
}

export function newTally(turnId: string): TurnTally {
  return { turnId, requests: 0, unreported: 0, usage: ZERO_USAGE, cost: 0, finishReason: null };
}

/** Counts one stored record into the turn's tally when it is a model reply. */
export function tallyRecord(tally: TurnTally, record: SessionRecord): TurnTally {
  if (record.kind !== 'message' || record.role !== 'assistant' || record.cost === undefined) return tally;
  return {
    ...tally,
    requests: tally.requests + 1,
    unreported: tally.unreported + (record.usage ? 0 : 1),
    usage: record.usage ? addUsage(tally.usage, record.usage) : tally.usage,
    cost: tally.cost === null || record.cost === null ? null : tally.cost + record.cost,
  };
}

/**
 * A stored record as frames: a user message, a step's reasoning and text, a tool result. Other records
 * (notices octo wrote for the model, compressions, knowledge, commands) are not conversation frames.
 */
export function recordFrames(
  record: SessionRecord,
  sessionName: string,
  toolOk: (toolCallId: string) => boolean | undefined,
): OutFrame[] {
  if (record.kind !== 'message') return [];
  const session_id = sessionName;
  switch (record.role) {
    case 'user':
      return [{ type: 'user', session_id, content: record.content }];
    case 'assistant': {
      const frames: OutFrame[] = [];
      if (record.reasoning !== undefined && record.reasoning !== '') {
        frames.push({ type: 'thinking', session_id, content: record.reasoning });
      }
      if (record.content !== '') {
        frames.push({
          type: 'assistant',
          session_id,
          content: record.content,
          ...(record.interrupted === true ? { interrupted: true } : {}),
        });
      }
      return frames;
    }
    case 'tool': {
      const id = record.toolCallId ?? '';
      const success = toolOk(id) ?? (record.synthetic !== true && !record.content.startsWith('Error: '));
      return [
        {
          type: 'tool_result',
          session_id,
          tool: record.toolName ?? '',
          tool_id: id,
          content: record.content,
          success,
        },
      ];
    }
    case 'system':
      return [];
  }
}

/** The model's arguments, parsed when they are JSON (they may not be: row 17). */
export function toolUseFrame(sessionName: string, call: ToolCall): OutFrame {
  return {
    type: 'tool_use',
    session_id: sessionName,
    tool: call.name,
    tool_id: call.id,
    params: parseArguments(call.arguments),
  };
}

function parseArguments(text: string): unknown {
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    // Invalid JSON from the model is shown as the text it sent; the tool refuses it (docs/faults.md row 17).
    return text;
  }
}

export function costFrame(
  sessionName: string,
  summary: SessionSummary,
  tally: TurnTally,
  status: 'finished' | 'interrupted' | 'failed',
): OutFrame {
  return {
    type: 'cost',
    session_id: sessionName,
    session_tokens: summary.tokens.input + summary.tokens.output,
    session_cost: summary.cost,
    input_tokens: tally.usage.input,
    output_tokens: tally.usage.output,
    cache_read_tokens: tally.usage.cacheRead,
    cache_write_tokens: tally.usage.cacheWrite,
    reasoning_tokens: tally.usage.reasoning,
    turn_status: status,
    turn_cost: tally.cost,
    requests: tally.requests,
    usage_complete: tally.unreported === 0,
    finish_reason: tally.finishReason,
  };
}
