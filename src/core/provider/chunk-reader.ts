/**
 * Reads one streamed `chat.completion.chunk` the way real providers send it. Chunks are untrusted
 * and vary: every field may be absent or null, content may be a string or an array of parts
 * (Mistral), reasoning comes under three names. A field of an unknown shape is skipped and named in
 * `skipped`, never fatal: the rest of the chunk still counts.
 */
import type { ReasoningSource } from '../store/index.js';

export interface ToolCallPiece {
  index: number | null;
  id: string | null;
  name: string | null;
  arguments: string | null;
}

export interface ChunkFacts {
  /** An error object the provider put into the stream (OpenRouter, OpenAI mid-stream failures). */
  error: string | null;
  text: string;
  reasoning: string;
  reasoningSource: ReasoningSource | null;
  reasoningDetails: unknown[] | null;
  toolCalls: ToolCallPiece[];
  finishReason: string | null;
  /** The raw `usage` object, read by readUsage. */
  usage: unknown;
  /** Paths of fields of an unknown shape, with what they were ("choices[0].delta.content (a number)"). */
  skipped: string[];
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function absent(value: unknown): boolean {
  return value === undefined || value === null;
}

function kindOf(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

export function readChunk(raw: unknown): ChunkFacts {
  const facts: ChunkFacts = {
    error: null,
    text: '',
    reasoning: '',
    reasoningSource: null,
    reasoningDetails: null,
    toolCalls: [],
    finishReason: null,
    usage: null,
    skipped: [],
  };
  if (!isObject(raw)) {
    facts.skipped.push(`the chunk (${kindOf(raw)})`);
    return facts;
  }
  if (!absent(raw.error)) facts.error = errorText(raw.error);
  if (isObject(raw.usage)) facts.usage = raw.usage;
  else if (!absent(raw.usage)) facts.skipped.push(`usage (${kindOf(raw.usage)})`);
  if (absent(raw.choices)) return facts;
  if (!Array.isArray(raw.choices)) {
    facts.skipped.push(`choices (${kindOf(raw.choices)})`);
    return facts;
  }
  // Only the first choice is asked for (n = 1); some servers number it, some do not.
  const choice: unknown = raw.choices.find((c) => isObject(c) && (c.index ?? 0) === 0) ?? raw.choices[0];
  if (choice !== undefined) readChoice(choice, facts);
  return facts;
}

function readChoice(choice: unknown, facts: ChunkFacts): void {
  if (!isObject(choice)) {
    facts.skipped.push(`choices[0] (${kindOf(choice)})`);
    return;
  }
  if (typeof choice.finish_reason === 'string' && choice.finish_reason !== '')
    facts.finishReason = choice.finish_reason;
  else if (!absent(choice.finish_reason) && choice.finish_reason !== '')
    facts.skipped.push(`choices[0].finish_reason (${kindOf(choice.finish_reason)})`);
  const delta = choice.delta;
  if (absent(delta)) return;
  if (!isObject(delta)) {
    facts.skipped.push(`choices[0].delta (${kindOf(delta)})`);
    return;
  }
  readContent(delta.content, facts);
  readText(delta.refusal, 'refusal', facts);
  readReasoning(delta, facts);
  readToolCalls(delta.tool_calls, facts);
}

function readText(value: unknown, name: string, facts: ChunkFacts): void {
  if (typeof value === 'string') facts.text += value;
  else if (!absent(value)) facts.skipped.push(`choices[0].delta.${name} (${kindOf(value)})`);
}

/** A string, or Mistral's parts: `{type: "text", text}` and `{type: "thinking", thinking: [parts]}`. */
function readContent(content: unknown, facts: ChunkFacts): void {
  if (!Array.isArray(content)) {
    readText(content, 'content', facts);
    return;
  }
  content.forEach((part: unknown, i) => {
    const where = `choices[0].delta.content[${i}]`;
    if (typeof part === 'string') facts.text += part;
    else if (isObject(part) && part.type === 'text' && typeof part.text === 'string') facts.text += part.text;
    else if (isObject(part) && part.type === 'thinking') {
      const thought = thinkingText(part.thinking);
      if (thought === null) facts.skipped.push(`${where}.thinking (${kindOf(part.thinking)})`);
      else addReasoning(facts, thought, 'content_parts');
    } else {
      const type = isObject(part) && typeof part.type === 'string' ? ` of type "${part.type}"` : '';
      facts.skipped.push(`${where} (${kindOf(part)}${type})`);
    }
  });
}

function thinkingText(thinking: unknown): string | null {
  if (typeof thinking === 'string') return thinking;
  if (!Array.isArray(thinking)) return null;
  return thinking
    .map((part: unknown) => {
      if (typeof part === 'string') return part;
      return isObject(part) && typeof part.text === 'string' ? part.text : '';
    })
    .join('');
}

function addReasoning(facts: ChunkFacts, text: string, source: ReasoningSource): void {
  if (text === '') return;
  facts.reasoning += text;
  facts.reasoningSource ??= source;
}

/**
 * `reasoning_content` or `reasoning` carry the same text where both are sent; `reasoning_details`
 * carries it again (OpenRouter sends `reasoning` and `reasoning_details` together), so its text
 * counts only when neither string came.
 */
function readReasoning(delta: Json, facts: ChunkFacts): void {
  for (const name of ['reasoning_content', 'reasoning'] as const) {
    const value = delta[name];
    if (typeof value === 'string') {
      if (facts.reasoning === '') addReasoning(facts, value, name);
    } else if (!absent(value)) facts.skipped.push(`choices[0].delta.${name} (${kindOf(value)})`);
  }
  const details = delta.reasoning_details;
  if (Array.isArray(details)) facts.reasoningDetails = details;
  else if (!absent(details)) facts.skipped.push(`choices[0].delta.reasoning_details (${kindOf(details)})`);
}

function readToolCalls(calls: unknown, facts: ChunkFacts): void {
  if (absent(calls)) return;
  if (!Array.isArray(calls)) {
    facts.skipped.push(`choices[0].delta.tool_calls (${kindOf(calls)})`);
    return;
  }
  calls.forEach((call: unknown, i) => {
    const where = `choices[0].delta.tool_calls[${i}]`;
    if (!isObject(call)) {
      facts.skipped.push(`${where} (${kindOf(call)})`);
      return;
    }
    const fn = isObject(call.function) ? call.function : {};
    const index = typeof call.index === 'number' && Number.isInteger(call.index) && call.index >= 0;
    facts.toolCalls.push({
      index: index ? (call.index as number) : null,
      id: typeof call.id === 'string' ? call.id : null,
      name: typeof fn.name === 'string' ? fn.name : null,
      // A few servers send the arguments already parsed; the model's call is its JSON text.
      arguments:
        typeof fn.arguments === 'string'
          ? fn.arguments
          : isObject(fn.arguments)
            ? JSON.stringify(fn.arguments)
            : null,
    });
  });
}

function errorText(error: unknown): string {
  if (typeof error === 'string') return error;
  if (isObject(error) && typeof error.message === 'string') return error.message;
  return JSON.stringify(error) ?? 'an error';
}
