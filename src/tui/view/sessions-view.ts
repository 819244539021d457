/** The Sessions pane: this project's sessions first, then the others grouped by project directory. */
import type { SessionSummary } from '../../core/session/types.js';
import { sanitizeLine } from '../../core/text/sanitize.js';
import { seg, type Segment, type StyledLine, type StyleKey } from '../text/styled.js';
import { fit, strWidth, truncate } from '../text/width.js';
import { compactNumber, formatAge, formatCost } from './format.js';

export interface SessionsInput {
  summaries: readonly SessionSummary[];
  projectId: string;
  openId: string | null;
  busy: ReadonlySet<string>;
  /** The keyboard cursor of the pane (a session id). */
  cursor: string | null;
  now: number;
  width: number;
}

export interface SessionsView {
  /** The lines from `top`, `height` of them, made on demand. */
  lines(top: number, height: number): StyledLine[];
  total: number;
  /** The session each line belongs to (null for group headers), for clicks and scrolling. */
  owners: Array<string | null>;
  /** Session ids in the order shown: Ctrl-N / Ctrl-P walk this. */
  order: string[];
  /** Line index of the cursor's first line, -1 when none. */
  cursorLine: number;
}

/** Other projects' groups, most recently used first; sessions inside keep the list's recency order. */
export function groupSessions(
  summaries: readonly SessionSummary[],
  projectId: string,
): Array<{ label: string; sessions: SessionSummary[] }> {
  const byOrder = [...summaries].sort((a, b) => b.order - a.order);
  const mine = byOrder.filter((s) => s.projectId === projectId);
  const others = new Map<string, SessionSummary[]>();
  for (const s of byOrder) {
    if (s.projectId === projectId) continue;
    const list = others.get(s.projectDir) ?? [];
    list.push(s);
    others.set(s.projectDir, list);
  }
  return [
    { label: 'This project', sessions: mine },
    ...[...others.entries()].map(([dir, sessions]) => ({ label: sanitizeLine(dir), sessions })),
  ];
}

function leftTruncate(text: string, width: number): string {
  if (strWidth(text) <= width) return text;
  const chars = [...text];
  while (chars.length > 0 && strWidth(chars.join('')) > width - 1) chars.shift();
  return `…${chars.join('')}`;
}

function sessionRows(s: SessionSummary, input: SessionsInput): [Segment[], Segment[]] {
  const open = s.id === input.openId;
  const busy = input.busy.has(s.id);
  const selected = s.id === input.cursor;
  const w = Math.max(8, input.width);
  const age = formatAge(s.updatedAt, input.now);
  const name = fit(sanitizeLine(s.name), Math.max(1, w - 3 - age.length - 1));
  const tokens = compactNumber(s.tokens.input + s.tokens.output);
  const cost = formatCost(s.cost, s.costIncomplete);
  const long = `${s.messageCount} msg · ${tokens} tok · ${cost}`;
  // Narrow panes drop the words before they drop the cost.
  const facts = strWidth(long) <= w - 3 ? long : `${s.messageCount}m ${tokens}t ${cost}`;
  const nameStyle: StyleKey = selected ? 'selected' : open ? 'strong' : 'text';
  const first: Segment[] = [
    seg(open ? '▶' : ' ', selected ? 'selected' : 'marker'),
    seg(busy ? '⟳' : ' ', selected ? 'selected' : 'busy'),
    seg(' ', nameStyle),
    seg(name, nameStyle),
    seg(` ${age}`, selected ? 'selected' : 'dim'),
  ];
  const second: Segment[] = [seg(fit(`   ${truncate(facts, w - 3)}`, w), selected ? 'selected' : 'dim')];
  return [first, second];
}

/** One line of the list, made into text only when it is drawn (1,000 sessions, 40 rows on screen). */
type LineRef = { kind: 'text'; line: StyledLine } | { kind: 'session'; summary: SessionSummary; row: 0 | 1 };

export function sessionsView(input: SessionsInput): SessionsView {
  const refs: LineRef[] = [];
  const owners: Array<string | null> = [];
  const order: string[] = [];
  let cursorLine = -1;
  for (const group of groupSessions(input.summaries, input.projectId)) {
    if (group.sessions.length === 0 && group.label !== 'This project') continue;
    refs.push({ kind: 'text', line: [seg(leftTruncate(group.label, input.width), 'group')] });
    owners.push(null);
    if (group.sessions.length === 0) {
      refs.push({ kind: 'text', line: [seg('  (no sessions yet)', 'dim')] });
      owners.push(null);
    }
    for (const summary of group.sessions) {
      if (summary.id === input.cursor) cursorLine = refs.length;
      refs.push({ kind: 'session', summary, row: 0 }, { kind: 'session', summary, row: 1 });
      owners.push(summary.id, summary.id);
      order.push(summary.id);
    }
  }
  const lines = (top: number, height: number): StyledLine[] =>
    refs
      .slice(top, top + height)
      .map((ref) => (ref.kind === 'text' ? ref.line : sessionRows(ref.summary, input)[ref.row]));
  return { lines, total: refs.length, owners, order, cursorLine };
}

/** The first line to draw so the cursor stays in view, moving as little as possible. */
export function scrollToCursor(
  previousTop: number,
  cursorLine: number,
  height: number,
  total: number,
): number {
  const maxTop = Math.max(0, total - height);
  if (cursorLine < 0) return Math.min(previousTop, maxTop);
  if (cursorLine < previousTop) return Math.max(0, cursorLine - 1);
  if (cursorLine + 2 > previousTop + height) return Math.min(maxTop, cursorLine + 2 - height);
  return Math.min(previousTop, maxTop);
}
