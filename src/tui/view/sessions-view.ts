/** The Sessions pane: this project's sessions first, then the others grouped by project directory. */
import type { SessionSummary } from '../../core/api.js';
import { knownTokens } from '../../core/store/records.js';
import { sanitizeLine } from '../../core/text/index.js';
import { seg, type Segment, type StyledLine, type StyleKey } from '../text/styled.js';
import { fit, strWidth, truncate } from '../text/width.js';
import { compactNumber, formatAge, formatTotalCost } from './format.js';

export interface SessionsInput {
  summaries: readonly SessionSummary[];
  projectId: string;
  /** Worktrees of the current repository share it: their sessions count as this project's. */
  projectGroup?: string;
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

export interface SessionGroup {
  label: string;
  missing: boolean;
  /** In display order: each fork right after its origin (and the origin's earlier forks). */
  sessions: Array<{ summary: SessionSummary; depth: number }>;
}

/** Forks under their origin (when the origin is in the same group), else in recency order. */
/** Appends in place: copying the list per session made grouping 1,000 sessions quadratic. */
function pushTo<T>(map: Map<string, T[]>, key: string, item: T): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [item]);
  else list.push(item);
}

function nest(sessions: readonly SessionSummary[]): Array<{ summary: SessionSummary; depth: number }> {
  const ids = new Set(sessions.map((s) => s.id));
  const children = new Map<string, SessionSummary[]>();
  for (const s of sessions) {
    if (s.parentId === undefined || !ids.has(s.parentId)) continue;
    pushTo(children, s.parentId, s);
  }
  const out: Array<{ summary: SessionSummary; depth: number }> = [];
  const seen = new Set<string>();
  const visit = (s: SessionSummary, depth: number): void => {
    // A cycle of parent ids (a damaged index) must not hang the list.
    if (seen.has(s.id)) return;
    seen.add(s.id);
    out.push({ summary: s, depth });
    for (const child of children.get(s.id) ?? []) visit(child, depth + 1);
  };
  for (const s of sessions) if (s.parentId === undefined || !ids.has(s.parentId)) visit(s, 0);
  for (const s of sessions) visit(s, 0);
  return out;
}

/** When a session last had a record written: its last message, or its creation. */
function lastActivity(s: SessionSummary): number {
  const at = Math.max(Date.parse(s.updatedAt), Date.parse(s.createdAt));
  return Number.isNaN(at) ? 0 : at;
}

/**
 * Most recently active first (the time of its last record), the store's counter breaking ties. Not the
 * counter alone: opening a session makes it the store's most recent (what `octo` reopens), and a list
 * that moved the session just opened to the top would send Ctrl-N round in circles.
 */
function byActivity(summaries: readonly SessionSummary[]): SessionSummary[] {
  const keyed = summaries.map((summary) => ({ summary, at: lastActivity(summary) }));
  keyed.sort((a, b) => b.at - a.at || b.summary.order - a.summary.order);
  return keyed.map((k) => k.summary);
}

/**
 * This project first, then other projects most recently active first; worktrees of one repository
 * (`projectGroup`) together. Sessions inside in activity order, forks under their origin.
 */
export function groupSessions(
  summaries: readonly SessionSummary[],
  projectId: string,
  projectGroup?: string,
): SessionGroup[] {
  const byOrder = byActivity(summaries);
  const isMine = (s: SessionSummary): boolean =>
    s.projectId === projectId || (projectGroup !== undefined && s.projectGroup === projectGroup);
  const mine = byOrder.filter(isMine);
  const others = new Map<string, SessionSummary[]>();
  for (const s of byOrder) {
    if (isMine(s)) continue;
    pushTo(others, s.projectGroup ?? s.projectId, s);
  }
  return [
    { label: 'This project', missing: false, sessions: nest(mine) },
    ...[...others.values()].map((sessions) => ({
      label: sanitizeLine(sessions[0]?.projectDir ?? ''),
      missing: sessions.every((s) => s.projectMissing === true),
      sessions: nest(sessions),
    })),
  ];
}

function leftTruncate(text: string, width: number): string {
  if (strWidth(text) <= width) return text;
  const chars = [...text];
  while (chars.length > 0 && strWidth(chars.join('')) > width - 1) chars.shift();
  return `…${chars.join('')}`;
}

/** Columns a fork is indented by per level (capped so a deep chain keeps its name readable). */
const FORK_INDENT = 2;
const MAX_DEPTH = 3;

function sessionRows(s: SessionSummary, depth: number, input: SessionsInput): [Segment[], Segment[]] {
  const open = s.id === input.openId;
  const busy = input.busy.has(s.id);
  const selected = s.id === input.cursor;
  const w = Math.max(8, input.width);
  const age = formatAge(s.updatedAt, input.now);
  const indent = depth === 0 ? '' : `${' '.repeat(FORK_INDENT * (Math.min(depth, MAX_DEPTH) - 1))}↳ `;
  const name = fit(`${indent}${sanitizeLine(s.name)}`, Math.max(1, w - 3 - age.length - 1));
  const known = knownTokens(s);
  const tokens = known === null ? '?' : compactNumber(known.input + known.output);
  const cost = formatTotalCost(s.cost, s.costIncomplete, { significant: true });
  // Narrow panes drop the separators, then the tokens, before they cut the cost; "msg" stays, as a bare
  // "4m" under a name whose age reads "1m" looked like four minutes.
  const facts =
    [
      `${s.messageCount} msg · ${tokens} tok · ${cost}`,
      `${s.messageCount} msg ${tokens}t ${cost}`,
      `${s.messageCount} msg ${cost}`,
    ].find((text) => strWidth(text) <= w - 3) ?? `${s.messageCount} msg ${cost}`;
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
type LineRef =
  | { kind: 'text'; line: StyledLine }
  | { kind: 'session'; summary: SessionSummary; depth: number; row: 0 | 1 };

export function sessionsView(input: SessionsInput): SessionsView {
  const refs: LineRef[] = [];
  const owners: Array<string | null> = [];
  const order: string[] = [];
  let cursorLine = -1;
  for (const group of groupSessions(input.summaries, input.projectId, input.projectGroup)) {
    if (group.sessions.length === 0 && group.label !== 'This project') continue;
    const missing = group.missing ? ' (missing)' : '';
    const label = `${leftTruncate(group.label, Math.max(1, input.width - missing.length))}${missing}`;
    refs.push({ kind: 'text', line: [seg(label, group.missing ? 'warning' : 'group')] });
    owners.push(null);
    if (group.sessions.length === 0) {
      refs.push({ kind: 'text', line: [seg('  (no sessions yet)', 'dim')] });
      owners.push(null);
    }
    for (const { summary, depth } of group.sessions) {
      if (summary.id === input.cursor) cursorLine = refs.length;
      refs.push({ kind: 'session', summary, depth, row: 0 }, { kind: 'session', summary, depth, row: 1 });
      owners.push(summary.id, summary.id);
      order.push(summary.id);
    }
  }
  const lines = (top: number, height: number): StyledLine[] =>
    refs
      .slice(top, top + height)
      .map((ref) => (ref.kind === 'text' ? ref.line : sessionRows(ref.summary, ref.depth, input)[ref.row]));
  return { lines, total: refs.length, owners, order, cursorLine };
}

/** The first line to draw so the cursor stays in view, moving as little as possible. */
export function scrollToCursor(
  previousTop: number,
  cursorLine: number,
  height: number,
  total: number,
): number {
  // A pane not shown (side panes collapsed or hidden) keeps its place for when it is shown again.
  if (height <= 0) return previousTop;
  const maxTop = Math.max(0, total - height);
  let top = previousTop;
  if (cursorLine >= 0 && cursorLine < previousTop) top = cursorLine - 1;
  else if (cursorLine >= 0 && cursorLine + 2 > previousTop + height) top = cursorLine + 2 - height;
  // Never scrolled past the point where the list's end reaches the pane's bottom.
  return Math.max(0, Math.min(top, maxTop));
}
