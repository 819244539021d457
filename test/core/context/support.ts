/** A scripted provider that also plays the summariser, and an independent count of what was sent. */
import { get_encoding } from 'tiktoken';
import type { Workspace } from '../../../src/core/api.js';
import type { OctoEventName, OctoEvents } from '../../../src/core/events.js';
import type { FakeAnswer, FakeRequest } from '../../support/fake-provider.js';
import { STATED_LINE, isSummaryRequest, summariserAnswer } from '../../support/fake-summariser.js';

interface WireMessage {
  role: string;
  content: string | null | Array<{ type: string; text?: string }>;
  tool_calls?: Array<{ function: { name: string; arguments: string } }>;
}

export function wireMessages(request: FakeRequest): WireMessage[] {
  return (request.body.messages ?? []) as WireMessage[];
}

export const isCompression = isSummaryRequest;

/** Lines the user wrote that state a decision or a constraint: what must survive every compression. */
export const KNOWLEDGE_LINE = STATED_LINE;

/**
 * Answers a compression request like a careful model: knowledge entries for the decision and
 * constraint lines of the transcript, quoted exactly, and a summary that does not repeat them (so
 * that only the knowledge path can carry them).
 */
export function summariserReply(request: FakeRequest): FakeAnswer {
  return summariserAnswer('json', request);
}

export interface LevelSpec {
  threshold: number;
  ratio: number;
}

/** The `[compression]` table with these pressure levels, as a config file says it. */
export function compressionConfig(levels: readonly LevelSpec[]): string {
  return [
    '[compression]',
    ...levels.flatMap((l) => [
      '[[compression.pressure_levels]]',
      `threshold = ${l.threshold}`,
      `target_ratio = ${l.ratio}`,
    ]),
  ].join('\n');
}

const encoder = get_encoding('o200k_base');

/** Tokens of a request as sent, counted here with tiktoken itself, not with octo's counter. */
export function wireTokens(request: FakeRequest): number {
  let total =
    request.body.tools === undefined ? 0 : encoder.encode_ordinary(JSON.stringify(request.body.tools)).length;
  for (const message of wireMessages(request)) {
    const content =
      typeof message.content === 'string'
        ? message.content
        : (message.content ?? []).map((p) => p.text ?? '').join('');
    const calls = (message.tool_calls ?? [])
      .map((c) => `${c.function.name} ${c.function.arguments}`)
      .join('\n');
    total += encoder.encode_ordinary(content + calls).length + 4;
  }
  return total;
}

export function collect<K extends OctoEventName>(ws: Workspace, name: K): Array<OctoEvents[K]> {
  const seen: Array<OctoEvents[K]> = [];
  ws.on(name, (payload) => seen.push(payload));
  return seen;
}

/** Words that tokenize one to one with o200k_base, for replies of a known size. */
export function words(count: number, seed = 0): string {
  return Array.from(
    { length: count },
    (_, i) => ['alpha', 'beta', 'gamma', 'delta', 'omega'][(i + seed) % 5],
  ).join(' ');
}
