/** Command results that carry figures or rows (/info, /context, /knowledge, compression) as readable notes. */
import type {
  CompactionFigures,
  ContextFilter,
  ContextRow,
  CostSource,
  JobInfo,
  KnowledgeChange,
  KnowledgeEntry,
  SessionInfo,
  Usage,
} from '../../core/api.js';
import type { BudgetFacts } from '../../core/events.js';
import { plural, sanitizeLine } from '../../core/text/index.js';
import { threshold } from './context-view.js';
import { compactNumber, formatCost, formatTotalCost } from './format.js';

/** A note's headline and the lines under it (table rows keep their columns). */
export interface ResultNote {
  text: string;
  body: string[];
}

/** Characters of a message preview in /context: the row stays on one line of a wide pane. */
const PREVIEW_CHARS = 60;

const SOURCES: ReadonlyArray<[CostSource, string]> = [
  ['main', 'main'],
  ['agent', 'agents'],
  ['compression', 'compression'],
];

/** Rows padded into columns; `right` names the columns aligned right (figures). */
export function table(rows: readonly string[][], right: ReadonlySet<number> = new Set()): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((row) =>
    row
      .map((cell, i) => {
        const w = widths[i] ?? 0;
        if (i === row.length - 1 && !right.has(i)) return cell;
        return right.has(i) ? cell.padStart(w) : cell.padEnd(w);
      })
      .join('  ')
      .trimEnd(),
  );
}

function percent(share: number): string {
  return `${Math.round(share * 100)}%`;
}

function usageLine(u: Usage): string {
  return [
    `input ${compactNumber(u.input)}`,
    `output ${compactNumber(u.output)}`,
    `cache read ${compactNumber(u.cacheRead)}`,
    `cache write ${compactNumber(u.cacheWrite)}`,
    `reasoning ${compactNumber(u.reasoning)}`,
  ].join(' · ');
}

/** Requests that reported no usage are unknown, not zero: say so rather than add nothing. */
function tokensLine(i: SessionInfo): string {
  if (i.usageUnreported === 0) return usageLine(i.tokens);
  const unknown = `${plural(i.usageUnreported, 'request')} reported no usage`;
  return i.requests.total === i.usageUnreported
    ? `unknown (${unknown})`
    : `${usageLine(i.tokens)} · ${unknown}`;
}

function limitLine({ limit, used, max }: BudgetFacts): string {
  const show = (n: number): string =>
    limit === 'session_tokens' ? compactNumber(n) : formatCost(n, { significant: true });
  return `${limit.replace('_', ' ')} ${show(used)} of ${show(max)}`;
}

export function infoNote(i: SessionInfo): ResultNote {
  const bySource = (f: (s: CostSource) => string): string =>
    SOURCES.map(([source, label]) => `${label} ${f(source)}`).join(' · ');
  const c = i.compressions;
  const approx = i.counting.exact ? '' : '~';
  const next =
    i.context.nextCompactionAt === null
      ? ''
      : ` · next compression at ${threshold(i.context.nextCompactionAt)}`;
  const window = i.context.window === null ? '' : ` of ${compactNumber(i.context.window)}`;
  const rows = [
    ['Tokens', tokensLine(i)],
    [
      'Cost',
      `${formatTotalCost(i.cost.total, i.cost.incomplete, { significant: true })} total · ${bySource((s) => formatCost(i.cost.bySource[s], { significant: true }))}`,
    ],
    ['Requests', `${i.requests.total} total · ${bySource((s) => String(i.requests.bySource[s]))}`],
    [
      'Compressions',
      `${c.count} (${c.undone} undone, ${c.failed} failed) · ${compactNumber(c.tokensSaved)} tokens saved`,
    ],
    ['Cache hits', i.cacheHitRatio === null ? 'no input yet' : percent(i.cacheHitRatio)],
    [
      'Messages',
      `${i.messages.total} (${i.messages.inContext} in context, ${i.messages.compacted} compacted)`,
    ],
    ['Context', `${approx}${compactNumber(i.context.total)}${window} tokens${next}`],
    [
      'Knowledge',
      `${plural(i.knowledge.entries, 'entry', 'entries')} (${i.knowledge.pinned} pinned, ${i.knowledge.retained} in context)`,
    ],
    ...i.limits.map((l) => ['Limit', limitLine(l)]),
  ];
  return { text: `${i.name} · ${i.model}`, body: table(rows) };
}

function clock(iso: string | null): string {
  if (iso === null) return '';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '' : d.toISOString().slice(11, 16);
}

function preview(text: string): string {
  return text.length > PREVIEW_CHARS ? `${text.slice(0, PREVIEW_CHARS - 1)}…` : text;
}

export function contextNote(filter: ContextFilter, rows: readonly ContextRow[], total: number): ResultNote {
  const text = `Context (${filter}): ${plural(rows.length, 'part')}, ${compactNumber(total)} tokens`;
  if (rows.length === 0) return { text, body: ['nothing'] };
  const cells = rows.map((r) => [
    `#${r.index}`,
    r.kind === 'message' ? r.role : r.kind,
    compactNumber(r.tokens),
    percent(r.share),
    clock(r.at),
    preview(r.preview),
  ]);
  return {
    text,
    body: table([['#', 'role', 'tokens', 'share', 'time', 'preview'], ...cells], new Set([2, 3])),
  };
}

export function knowledgeNote(
  entries: readonly KnowledgeEntry[],
  changed: KnowledgeChange | null,
): ResultNote {
  const done = changed === null ? '' : ` (${changed.op} ${changed.id}: done)`;
  const text = `Knowledge: ${plural(entries.length, 'entry', 'entries')}${done}`;
  if (entries.length === 0) return { text, body: ['none yet: compression extracts them'] };
  const cells = entries.map((e) => [
    e.id,
    e.category,
    e.pinned ? 'pinned' : e.retained ? '' : 'dropped',
    preview(e.text),
  ]);
  return { text, body: table([['id', 'category', 'pinned', 'text'], ...cells]) };
}

export function compactionFigures(f: CompactionFigures): string {
  const knowledge =
    f.knowledgeAdded > 0 ? `, ${plural(f.knowledgeAdded, 'knowledge entry', 'knowledge entries')} added` : '';
  const cost = f.cost === null ? '' : `, cost ${formatCost(f.cost, { significant: true })}`;
  return `${plural(f.messages, 'message')}: ${compactNumber(f.tokensBefore)} → ${compactNumber(f.tokensAfter)} tokens${knowledge}${cost}`;
}

/** /jobs: each job with what it has spent so far, live ones included. */
export function jobsNote(jobs: readonly JobInfo[]): ResultNote {
  const text = `Jobs: ${plural(jobs.length, 'job')}`;
  if (jobs.length === 0) return { text, body: ['none running or recent'] };
  const cells = jobs.map((j) => [
    j.id,
    j.status,
    compactNumber(j.usage.input + j.usage.output),
    // No cost yet is "-"; "?" only when tokens were spent at an unknown price.
    formatTotalCost(j.cost, j.cost === null && j.usage.input + j.usage.output > 0, { significant: true }),
    `${j.kind}: ${preview(sanitizeLine(j.title))}`,
  ]);
  return { text, body: table([['id', 'status', 'tokens', 'cost', 'job'], ...cells], new Set([2, 3])) };
}
