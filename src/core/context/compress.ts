import { getErrorMessage, isAbortError, isOctoError } from '../errors.js';
import type { ChatClient, ChatMessage, ResolvedModel } from '../provider/index.js';
import type { KnowledgeEntry, MessageRecord, Usage } from '../store/index.js';
import type { NewKnowledge } from './knowledge.js';
import { responseFormatOf, type StructuredOutput } from './structured-output.js';
import { parseSummaryReply, type SummaryForm } from './summary-format.js';

/** Characters of one message kept in the transcript the summariser reads (head and tail of longer ones). */
export const TRANSCRIPT_MESSAGE_CHARS = 6000;
/** English runs about three words to four tokens. */
const WORDS_PER_TOKEN = 0.75;
/** The summariser is asked for at least this many words, however tight the budget. */
const MIN_SUMMARY_WORDS = 80;
/** A summary may run this many characters per token of its budget before it is cut (JSON and markdown add some). */
const SUMMARY_CHARS_PER_TOKEN = 6;

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

/** Heads the transcript in a request; a scripted provider finds the messages after it. */
export const TRANSCRIPT_HEADING = 'Conversation to compress:';
/** Heads the part summaries in a request that folds them into one. */
export const PARTS_HEADING = 'Summaries of consecutive parts of the earlier conversation, oldest first:';

/** One request to the summariser, before the wire format. */
export interface SummaryRequest {
  previousSummary: string;
  known: readonly KnowledgeEntry[];
  focus: string;
  /** Tokens the summary should stay under. */
  budget: number;
  /** Transcript lines (a leaf) or part summaries (a fold). */
  body:
    | { kind: 'transcript'; lines: readonly string[]; part: { index: number; of: number } | null }
    | {
        kind: 'parts';
        summaries: readonly string[];
      };
}

/** What one summariser call, or a whole compression of many, came to. */
export type CompressionCall =
  | {
      ok: true;
      form: SummaryForm;
      summary: string;
      knowledge: NewKnowledge[];
      usage: Usage | null;
      providerCost: number | null;
      requests: number;
    }
  | { ok: false; reason: string; usage: Usage | null; providerCost: number | null; requests: number };

/** The summarising model, its client, and what it is asked for. */
export interface Summariser {
  client: ChatClient;
  model: ResolvedModel;
  output: StructuredOutput;
  /** The provider refused `response_format`: the caller remembers, later requests go without it. */
  onFormatRefused(): void;
}

export function clipMiddle(text: string, max: number): string {
  if (text.length <= max) return text;
  const half = Math.floor(max / 2);
  return `${text.slice(0, half)}\n[… ${text.length - max} characters left out …]\n${text.slice(-half)}`;
}

/** A message as the summariser reads it: `[#12 user] text`, tool calls below it. */
export function transcriptLine(message: MessageRecord, maxChars = TRANSCRIPT_MESSAGE_CHARS): string {
  const who = message.role === 'tool' ? `tool ${message.toolName ?? ''}`.trim() : message.role;
  const calls = (message.toolCalls ?? []).map(
    (c) => `\n  -> called ${c.name} ${clipMiddle(c.arguments, Math.min(500, maxChars))}`,
  );
  return `[#${message.seq} ${who}] ${clipMiddle(message.content, maxChars)}${calls.join('')}`;
}

/** The request's messages: instructions, then what is known, then the transcript or the parts. */
export function summaryMessages(request: SummaryRequest): ChatMessage[] {
  const words = Math.max(MIN_SUMMARY_WORDS, Math.floor(request.budget * WORDS_PER_TOKEN));
  const known = request.known.filter((e) => e.retained).map((e) => `- [${e.category}] ${e.text}`);
  const { body } = request;
  const head = [
    ...(body.kind === 'parts'
      ? []
      : [`Previous summary:\n${request.previousSummary === '' ? '(none)' : request.previousSummary}`]),
    `Knowledge already recorded (do not repeat it under "knowledge"):\n${known.length === 0 ? '(none)' : known.join('\n')}`,
    ...(request.focus === '' ? [] : [`Focus the summary on: ${request.focus}`]),
    `Keep the summary under about ${words} words.`,
  ];
  const tail =
    body.kind === 'parts'
      ? [
          'The earlier conversation was too long for one request, so it was summarised in parts. Fold these summaries into one, keeping every decision and constraint they name.',
          `${PARTS_HEADING}\n${body.summaries.map((s, i) => `[part ${i + 1}]\n${s}`).join('\n\n')}`,
        ]
      : [
          ...(body.part === null
            ? []
            : [
                `This is part ${body.part.index} of ${body.part.of} of a conversation too long for one request; summarise this part only (the parts are folded together afterwards).`,
              ]),
          `${TRANSCRIPT_HEADING}\n${body.lines.join('\n')}`,
        ];
  return [
    { role: 'system', content: COMPRESSION_INSTRUCTIONS },
    { role: 'user', content: [...head, ...tail].join('\n\n') },
  ];
}

/** The characters a summary of `budget` tokens may take. */
export function summaryChars(budget: number): number {
  return Math.max(MIN_SUMMARY_WORDS * SUMMARY_CHARS_PER_TOKEN, budget * SUMMARY_CHARS_PER_TOKEN);
}

/**
 * One summariser request. An abort is rethrown (the caller stops); any other failure, and a reply
 * with nothing usable, is a value. A provider that refuses `response_format` (HTTP 400) is asked once
 * more without it.
 */
export async function callSummariser(
  summariser: Summariser,
  request: SummaryRequest,
  signal: AbortSignal,
): Promise<CompressionCall> {
  const messages = summaryMessages(request);
  const format = responseFormatOf(summariser.output);
  let result;
  let requests = 1;
  try {
    try {
      result = await summariser.client.complete(
        {
          model: summariser.model,
          messages,
          tools: [],
          signal,
          ...(format === undefined ? {} : { responseFormat: format }),
        },
        () => undefined,
      );
    } catch (error) {
      if (format === undefined || !isOctoError(error, 'provider_bad_request') || signal.aborted) throw error;
      summariser.onFormatRefused();
      requests += 1;
      result = await summariser.client.complete(
        { model: summariser.model, messages, tools: [], signal },
        () => undefined,
      );
    }
  } catch (error) {
    if (isAbortError(error) || signal.aborted) throw error;
    return { ok: false, reason: getErrorMessage(error), usage: null, providerCost: null, requests };
  }
  const billed = { usage: result.usage, providerCost: result.providerCost, requests };
  const parsed = parseSummaryReply(result.content, summaryChars(request.budget));
  if (!parsed.ok) return { ok: false, reason: parsed.reason, ...billed };
  return { ok: true, form: parsed.form, summary: parsed.text, knowledge: parsed.knowledge, ...billed };
}
