/**
 * Finding the JSON object in a summariser's reply: bare, in a code fence, wrapped in prose, or cut
 * off at the token limit (then closed at the last complete value).
 */

import { parseJson } from '../text/index.js';

/** Object starts tried as the beginning of a balanced object: a long reply of prose has many braces. */
const MAX_STARTS = 32;
/** Cut points tried when closing a truncated object, from the end backwards. */
const MAX_CUTS = 64;

const FENCE = /```[A-Za-z]*[ \t]*\n([\s\S]*?)```/g;

type Json = Record<string, unknown>;

function parseObject(text: string): Json | undefined {
  const value = parseJson(text);
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined;
}

/** Index of the `}` that closes the object opened at `start`, or -1; braces inside strings do not count. */
function closingBrace(text: string, start: number): number {
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i += 1) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i += 1;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{') depth += 1;
    else if (c === '}') {
      depth -= 1;
      if (depth === 0) return i;
    }
  }
  return -1;
}

function* candidates(reply: string): Generator<string> {
  for (const match of reply.matchAll(FENCE)) yield match[1] ?? '';
  yield reply.trim();
  let starts = 0;
  for (let at = reply.indexOf('{'); at !== -1 && starts < MAX_STARTS; at = reply.indexOf('{', at + 1)) {
    starts += 1;
    const end = closingBrace(reply, at);
    if (end !== -1) yield reply.slice(at, end + 1);
  }
}

/**
 * A reply cut off mid-object (finish reason `length`), closed at the last point where a value was
 * complete: everything the model finished writing is kept, the half-written item is dropped.
 */
export function closeTruncated(text: string): Json | undefined {
  const cuts: Array<{ at: number; closers: string }> = [];
  const stack: string[] = [];
  let inString = false;
  const closers = (): string =>
    stack
      .map((open) => (open === '{' ? '}' : ']'))
      .reverse()
      .join('');
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i += 1;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === '{' || c === '[') {
      stack.push(c);
      cuts.push({ at: i + 1, closers: closers() });
    } else if (c === '}' || c === ']') {
      stack.pop();
      if (stack.length === 0) return parseObject(text.slice(0, i + 1));
    } else if (c === ',') cuts.push({ at: i, closers: closers() });
  }
  const whole = parseObject(`${text}${inString ? '"' : ''}${closers()}`);
  if (whole !== undefined) return whole;
  for (const cut of cuts.slice(-MAX_CUTS).reverse()) {
    const closed = parseObject(text.slice(0, cut.at) + cut.closers);
    if (closed !== undefined) return closed;
  }
  return undefined;
}

/** The first JSON object the reply holds, or undefined when it holds none. */
export function findJsonObject(reply: string): Json | undefined {
  for (const candidate of candidates(reply)) {
    const parsed = parseObject(candidate);
    if (parsed !== undefined) return parsed;
  }
  const start = reply.indexOf('{');
  return start === -1 ? undefined : closeTruncated(reply.slice(start));
}
