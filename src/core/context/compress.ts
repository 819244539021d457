import { getErrorMessage, isAbortError } from '../errors.js';
import type { ChatClient, ChatMessage, ResolvedModel } from '../provider/index.js';
import type { KnowledgeEntry, MessageRecord, Usage } from '../store/index.js';
import type { NewKnowledge } from './knowledge.js';
import { parseSummaryReply, renderSummary } from './summary-format.js';

/** Characters of one message kept in the transcript the summariser reads (head and tail of longer ones). */
const TRANSCRIPT_MESSAGE_CHARS = 6000;
/** English runs about three words to four tokens. */
const WORDS_PER_TOKEN = 0.75;
/** The summariser is asked for at least this many words, however tight the budget. */
const MIN_SUMMARY_WORDS = 80;

/** The summariser's instructions; the first line also tells a scripted provider what the request is. */
export const COMPRESSION_INSTRUCTIONS = [
  'You compress the earlier part of a long working session between a developer and an AI assistant.',
  'Write a structured summary that lets the work continue without the original messages, and extract',
  'knowledge entries: decisions, constraints, preferences and findings stated in the conversation.',
  'Quote decisions and constraints in the words the developer used. Keep file paths, names, numbers',
  'and commands exact. Fold the previous summary, if any, into the new one.',
  'Reply with one JSON object and nothing else:',
  '{"summary": {"goal": "", "currentTask": "", "progress": [], "decisions": [], "constraints": [],',
  '  "preferences": [], "findings": [], "files": [], "openQuestions": [], "nextSteps": []},',
  ' "knowledge": [{"category": "decision" | "constraint" | "preference" | "finding", "text": ""}]}',
].join('\n');

export interface CompressionInput {
  messages: readonly MessageRecord[];
  previousSummary: string;
  known: readonly KnowledgeEntry[];
  focus: string;
  /** Tokens the summary should stay under. */
  budget: number;
}

export type CompressionCall =
  | { ok: true; summary: string; knowledge: NewKnowledge[]; usage: Usage | null; providerCost: number | null }
  | { ok: false; reason: string; usage: Usage | null; providerCost: number | null };

function clipMiddle(text: string, max: number): string {
  if (text.length <= max) return text;
  const half = Math.floor(max / 2);
  return `${text.slice(0, half)}\n[… ${text.length - max} characters left out …]\n${text.slice(-half)}`;
}

function transcriptLine(message: MessageRecord): string {
  const who = message.role === 'tool' ? `tool ${message.toolName ?? ''}`.trim() : message.role;
  const calls = (message.toolCalls ?? []).map(
    (c) => `\n  -> called ${c.name} ${clipMiddle(c.arguments, 500)}`,
  );
  return `[#${message.seq} ${who}] ${clipMiddle(message.content, TRANSCRIPT_MESSAGE_CHARS)}${calls.join('')}`;
}

/** The request to the summariser: instructions, then what is known, then the messages to compress. */
export function compressionMessages(input: CompressionInput): ChatMessage[] {
  const words = Math.max(MIN_SUMMARY_WORDS, Math.floor(input.budget * WORDS_PER_TOKEN));
  const known = input.known.filter((e) => e.retained).map((e) => `- [${e.category}] ${e.text}`);
  const parts = [
    `Previous summary:\n${input.previousSummary === '' ? '(none)' : input.previousSummary}`,
    `Knowledge already recorded (do not repeat it under "knowledge"):\n${known.length === 0 ? '(none)' : known.join('\n')}`,
    ...(input.focus === '' ? [] : [`Focus the summary on: ${input.focus}`]),
    `Keep the summary under about ${words} words.`,
    `Conversation to compress:\n${input.messages.map(transcriptLine).join('\n')}`,
  ];
  return [
    { role: 'system', content: COMPRESSION_INSTRUCTIONS },
    { role: 'user', content: parts.join('\n\n') },
  ];
}

/**
 * One summariser call. An abort is rethrown (the caller stops); any other failure, and a reply with
 * nothing usable, is a value: the context is then left as it was.
 */
export async function callSummariser(
  client: ChatClient,
  model: ResolvedModel,
  input: CompressionInput,
  signal: AbortSignal,
): Promise<CompressionCall> {
  let result;
  try {
    result = await client.complete(
      { model, messages: compressionMessages(input), tools: [], signal },
      () => undefined,
    );
  } catch (error) {
    if (isAbortError(error) || signal.aborted) throw error;
    return { ok: false, reason: getErrorMessage(error), usage: null, providerCost: null };
  }
  const billed = { usage: result.usage, providerCost: result.providerCost };
  const parsed = parseSummaryReply(result.content);
  if (!parsed.ok) return { ok: false, reason: parsed.reason, ...billed };
  return { ok: true, summary: renderSummary(parsed.summary), knowledge: parsed.knowledge, ...billed };
}
