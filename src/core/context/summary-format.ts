import * as z from 'zod';
import type { NewKnowledge } from './knowledge.js';

/** Characters of one summary line or knowledge entry kept: a model that rambles cannot flood the context. */
const MAX_ITEM_CHARS = 600;
/** Items kept per summary section, for the same reason. */
const MAX_ITEMS = 40;

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

export type StructuredSummary = z.infer<typeof summarySchema>;

export type ParsedReply =
  { ok: true; summary: StructuredSummary; knowledge: NewKnowledge[] } | { ok: false; reason: string };

/** The JSON object in a reply, tolerating code fences and prose around it. */
function jsonOf(reply: string): unknown {
  const start = reply.indexOf('{');
  const end = reply.lastIndexOf('}');
  if (start === -1 || end <= start) return undefined;
  try {
    return JSON.parse(reply.slice(start, end + 1));
  } catch (error) {
    if (error instanceof SyntaxError) return undefined;
    throw error;
  }
}

/** Validates the summariser's reply; an empty or shapeless one is "nothing usable", never a summary. */
export function parseSummaryReply(reply: string): ParsedReply {
  const json = jsonOf(reply);
  if (json === undefined) return { ok: false, reason: 'the summary reply held no JSON object' };
  const parsed = replySchema.safeParse(json);
  if (!parsed.success) return { ok: false, reason: 'the summary reply did not have the expected shape' };
  const { summary, knowledge } = parsed.data;
  const filled = Object.values(summary).some((v) => (Array.isArray(v) ? v.length > 0 : v !== ''));
  if (!filled) return { ok: false, reason: 'the summary reply was empty' };
  return { ok: true, summary, knowledge };
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
