/**
 * A summary octo writes itself, without a model: the last resort when the summariser failed and the
 * next request would not fit the model's window otherwise. It keeps the previous summary, what the
 * developer asked (first lines, newest kept first), the files touched, and the decisions and
 * constraints the developer stated in an explicit form.
 */
import type { MessageRecord } from '../store/index.js';
import { parseJson, sanitizeLine } from '../text/index.js';
import type { NewKnowledge } from './knowledge.js';
import { knowledgeFromMessages } from './prose-knowledge.js';
import { capSummary } from './summary-format.js';

/** Characters of one request line. */
const REQUEST_CHARS = 160;
/** Share of the summary the previous summary may take. */
const PREVIOUS_SHARE = 0.5;
/** Files listed at most. */
const MAX_FILES = 30;

/** Paths named in tool call arguments (`path`, `file`, `paths`...). */
function filesOf(messages: readonly MessageRecord[]): string[] {
  const files = new Set<string>();
  for (const call of messages.flatMap((m) => m.toolCalls ?? [])) {
    const args = parseJson(call.arguments);
    if (typeof args !== 'object' || args === null) continue;
    for (const [key, value] of Object.entries(args)) {
      if (!/^(path|file|paths|files|file_path|filename)$/i.test(key)) continue;
      for (const item of Array.isArray(value) ? value : [value]) {
        if (typeof item === 'string' && item !== '') files.add(sanitizeLine(item).slice(0, REQUEST_CHARS));
      }
    }
  }
  return [...files].slice(-MAX_FILES);
}

/** The newest requests that fit `chars`, in their order. */
function requestLines(messages: readonly MessageRecord[], chars: number): string[] {
  const lines: string[] = [];
  let used = 0;
  const users = messages.filter((m) => m.role === 'user' && m.notice === undefined);
  for (const message of [...users].reverse()) {
    const first = sanitizeLine(message.content.split('\n').find((l) => l.trim() !== '') ?? '').trim();
    const line = `- #${message.seq}: ${first.length > REQUEST_CHARS ? `${first.slice(0, REQUEST_CHARS - 1)}…` : first}`;
    if (used + line.length + 1 > chars) break;
    lines.push(line);
    used += line.length + 1;
  }
  return lines.reverse();
}

export function octoSummary(input: {
  messages: readonly MessageRecord[];
  previousSummary: string;
  /** Why no model summary: the summariser's failure. */
  reason: string;
  maxChars: number;
}): { summary: string; knowledge: NewKnowledge[] } {
  const { messages, maxChars } = input;
  const first = messages[0]?.seq ?? 0;
  const last = messages.at(-1)?.seq ?? 0;
  const head = [
    '### Compressed by octo, without a model summary',
    `The summariser failed (${sanitizeLine(input.reason)}) and the request would not have fit the model's window, so ${messages.length} earlier messages (#${first} to #${last}) were taken out of the context as they were. Ask the developer when something below is not enough.`,
  ].join('\n');
  const previous =
    input.previousSummary === ''
      ? ''
      : `### Summary from before\n${capSummary(input.previousSummary, Math.floor(maxChars * PREVIOUS_SHARE))}`;
  const files = filesOf(messages);
  const filesPart =
    files.length === 0 ? '' : `### Files the tools used\n${files.map((f) => `- ${f}`).join('\n')}`;
  const room = maxChars - head.length - previous.length - filesPart.length;
  const requests = requestLines(messages, Math.max(0, room));
  const requestsPart =
    requests.length === 0 ? '' : `### What the developer asked, in order\n${requests.join('\n')}`;
  const summary = [head, previous, requestsPart, filesPart].filter((p) => p !== '').join('\n\n');
  const stated = messages.filter((m) => m.role === 'user').map((m) => m.content);
  return { summary: capSummary(summary, maxChars), knowledge: knowledgeFromMessages(stated) };
}
