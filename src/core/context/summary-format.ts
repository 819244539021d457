import * as z from 'zod';
import { sanitizeLine, sanitizeText } from '../text/index.js';
import type { NewKnowledge } from './knowledge.js';
import { knowledgeFromProse } from './prose-knowledge.js';
import { findJsonObject } from './summary-json.js';
import { lazily } from '../lazy.js';

/** Characters of one summary line or knowledge entry kept: a model that rambles cannot flood the context. */
const MAX_ITEM_CHARS = 600;
/** Items kept per summary section, for the same reason. */
const MAX_ITEMS = 40;

/** Built on first use: a summary is read a few times a session, never on the way to the first screen. */
const schemas = lazily(() => {
  const line = z.string().transform((s) => s.replace(/\s+/g, ' ').trim().slice(0, MAX_ITEM_CHARS));
  const lines = z
    .array(z.unknown())
    .catch([])
    .transform((items) =>
      items
        .flatMap((i) => (typeof i === 'string' ? [line.parse(i)] : []))
        .filter(Boolean)
        .slice(0, MAX_ITEMS),
    );
  const text = z
    .string()
    .catch('')
    .transform((s) => line.parse(s));

  /** The structured summary the model is asked for; fields it leaves out or gets wrong become empty. */
  const summarySchema = z.object({
    goal: text.default(''),
    currentTask: text.default(''),
    progress: lines.default([]),
    decisions: lines.default([]),
    constraints: lines.default([]),
    preferences: lines.default([]),
    findings: lines.default([]),
    files: lines.default([]),
    openQuestions: lines.default([]),
    nextSteps: lines.default([]),
  });

  const knowledgeSchema = z.object({
    category: z.enum(['decision', 'constraint', 'preference', 'finding']),
    text: line,
  });

  const replySchema = z.object({
    summary: summarySchema,
    knowledge: z
      .array(z.unknown())
      .catch([])
      .default([])
      .transform((items) =>
        items.flatMap((i) => {
          const parsed = knowledgeSchema.safeParse(i);
          return parsed.success && parsed.data.text !== '' ? [parsed.data] : [];
        }),
      ),
  });

  return { summary: summarySchema, reply: replySchema };
});

export type StructuredSummary = z.infer<ReturnType<typeof schemas>['summary']>;

/** How the summary came: the JSON asked for, or prose the model wrote instead. */
export type SummaryForm = 'structured' | 'prose';

export type ParsedReply =
  { ok: true; form: SummaryForm; text: string; knowledge: NewKnowledge[] } | { ok: false; reason: string };

/** Fewer words than this cannot summarise a conversation: a refusal, an apology, an echo. */
const MIN_PROSE_WORDS = 15;
/** A reply opening like this and shorter than REFUSAL_MAX_WORDS declines rather than summarises. */
const REFUSAL =
  /^(i'?m sorry|i am sorry|sorry|apologies|i (cannot|can't|can not|am unable|won't|will not)|as an ai|unfortunately)\b/i;
const REFUSAL_MAX_WORDS = 60;
/** Characters of a useless reply quoted in the failure. */
const QUOTE_CHARS = 80;
/** The knowledge categories a structured summary's own lists stand for, when its knowledge list is empty. */
const LIST_KNOWLEDGE: ReadonlyArray<[keyof StructuredSummary, NewKnowledge['category']]> = [
  ['decisions', 'decision'],
  ['constraints', 'constraint'],
  ['preferences', 'preference'],
  ['findings', 'finding'],
];

function isFilled(summary: StructuredSummary): boolean {
  return Object.values(summary).some((v) => (Array.isArray(v) ? v.length > 0 : v !== ''));
}

/**
 * Entries from the reply's knowledge list; a model that left it empty but listed decisions and
 * constraints in the summary has them taken from there, so they outlive the summary.
 */
function structuredKnowledge(summary: StructuredSummary, knowledge: NewKnowledge[]): NewKnowledge[] {
  if (knowledge.length > 0) return knowledge;
  return LIST_KNOWLEDGE.flatMap(([key, category]) => {
    const items = summary[key];
    return Array.isArray(items) ? items.map((text) => ({ category, text })) : [];
  });
}

/** Cuts a summary to `maxChars` at a line end, saying so: a model that rambles cannot flood the context. */
export function capSummary(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  const cut = text.lastIndexOf('\n', maxChars);
  return `${text.slice(0, cut > maxChars / 2 ? cut : maxChars).trimEnd()}\n[… summary cut to its budget …]`;
}

/** Prose as the summary: the reply without code fences or control characters. */
function proseOf(reply: string): string {
  return sanitizeText(reply)
    .replace(/^```[A-Za-z]*[ \t]*$/gm, '')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

function proseReply(reply: string, maxChars: number): ParsedReply {
  const text = proseOf(reply);
  const words = text.split(/\s+/).filter(Boolean).length;
  if (words === 0) return { ok: false, reason: 'the summary reply was empty' };
  if (words < MIN_PROSE_WORDS || (words < REFUSAL_MAX_WORDS && REFUSAL.test(text))) {
    const quote = sanitizeLine(text).slice(0, QUOTE_CHARS);
    return { ok: false, reason: `the summary reply held no summary ("${quote}")` };
  }
  return { ok: true, form: 'prose', text: capSummary(text, maxChars), knowledge: knowledgeFromProse(text) };
}

/**
 * Reads the summariser's reply: the JSON object asked for wherever it sits (bare, fenced, wrapped in
 * prose, cut off), else the prose itself as the summary with the knowledge found in it. Only a reply
 * with nothing usable (empty, an empty template, a refusal, a few words) is a failure.
 */
export function parseSummaryReply(reply: string, maxChars: number): ParsedReply {
  const json = findJsonObject(reply);
  if (json !== undefined && typeof json.summary === 'string') return proseReply(json.summary, maxChars);
  const parsed = json === undefined ? null : schemas().reply.safeParse(json);
  if (parsed?.success !== true) return proseReply(reply, maxChars);
  const { summary, knowledge } = parsed.data;
  if (!isFilled(summary)) return { ok: false, reason: 'the summary reply was empty' };
  return {
    ok: true,
    form: 'structured',
    text: capSummary(renderSummary(summary), maxChars),
    knowledge: structuredKnowledge(summary, knowledge),
  };
}

const SECTIONS: ReadonlyArray<[keyof StructuredSummary, string]> = [
  ['goal', 'Goal'],
  ['currentTask', 'Current task'],
  ['progress', 'Progress'],
  ['decisions', 'Decisions'],
  ['constraints', 'Constraints'],
  ['preferences', 'Preferences'],
  ['findings', 'Findings'],
  ['files', 'Files'],
  ['openQuestions', 'Open questions'],
  ['nextSteps', 'Next steps'],
];

/** The summary as stored and sent: markdown, one heading per non-empty section. */
export function renderSummary(summary: StructuredSummary): string {
  const parts: string[] = [];
  for (const [key, title] of SECTIONS) {
    const value = summary[key];
    if (Array.isArray(value) ? value.length === 0 : value === '') continue;
    parts.push(
      Array.isArray(value)
        ? `### ${title}\n${value.map((v) => `- ${v}`).join('\n')}`
        : `### ${title}\n${value}`,
    );
  }
  return parts.join('\n\n');
}
