/**
 * The side panes collapsed to one line above the conversation: the sessions, the context against the
 * window, what the session cost, the jobs and the MCP servers that need a look, and the key that shows
 * the panes again.
 */
import type { ContextBreakdown } from '../../core/events.js';
import { plural } from '../../core/text/index.js';
import { clipLine, lineWidth, seg, type Segment, type StyledLine, type StyleKey } from '../text/styled.js';
import { compactNumber, formatTotalCost } from './format.js';
import type { JobRow, McpRow } from './jobs-view.js';

export interface SummaryInput {
  /** Sessions in the list. */
  sessions: number;
  /** Of them, those whose turn runs now, the one on screen included. */
  busy: number;
  breakdown: ContextBreakdown | null;
  cost: number | null;
  costIncomplete: boolean;
  jobs: readonly JobRow[];
  mcp: readonly McpRow[];
  /** Files the model read that changed since. */
  stale: number;
  /** How the help writes the key that shows the panes ("F2"). */
  toggleKey: string;
  width: number;
}

const SEPARATOR = seg(' │ ', 'dim');

function contextPart(b: ContextBreakdown | null): Segment[] {
  if (b === null) return [seg('context ', 'dim'), seg('–')];
  const total = `${b.exact === false ? '~' : ''}${compactNumber(b.total)}`;
  if (b.window === null) return [seg('context ', 'dim'), seg(total)];
  const share = b.total / b.window;
  const style: StyleKey = share >= 0.9 ? 'barDanger' : share >= 0.7 ? 'barWarn' : 'text';
  return [
    seg('context ', 'dim'),
    seg(`${total}/${compactNumber(b.window)}`, style),
    seg(` ${Math.round(share * 100)}%`, style === 'text' ? 'dim' : style),
  ];
}

function jobsPart(jobs: readonly JobRow[]): Segment[] {
  if (jobs.length === 0) return [seg('no jobs', 'dim')];
  const count = (status: JobRow['status']): number => jobs.filter((j) => j.status === status).length;
  const running = count('running');
  const failed = count('failed');
  const parts: Segment[] = [seg(`${plural(jobs.length, 'job')}`, 'dim')];
  if (running > 0) parts.push(seg(` ⟳ ${running} running`, 'busy'));
  if (failed > 0) parts.push(seg(` ✗ ${failed} failed`, 'error'));
  return parts;
}

function mcpPart(mcp: readonly McpRow[]): Segment[] {
  const failed = mcp.filter((m) => m.status === 'failed').length;
  const asking = mcp.filter((m) => m.status === 'needs-approval').length;
  if (failed === 0 && asking === 0) return [];
  const parts: Segment[] = [seg('MCP', 'dim')];
  if (failed > 0) parts.push(seg(` ✗ ${failed} failed`, 'error'));
  if (asking > 0) parts.push(seg(` ? ${asking} to approve`, 'warning'));
  return parts;
}

export function summaryView(input: SummaryInput): StyledLine {
  const sessions: Segment[] = [seg(plural(input.sessions, 'session'), 'dim')];
  if (input.busy > 0) sessions.push(seg(` ⟳ ${input.busy} busy`, 'busy'));
  const parts: Segment[][] = [
    sessions,
    contextPart(input.breakdown),
    [seg(formatTotalCost(input.cost, input.costIncomplete, { significant: true }))],
    jobsPart(input.jobs),
    mcpPart(input.mcp),
    input.stale > 0 ? [seg(`${plural(input.stale, 'stale file')}`, 'warning')] : [],
  ].filter((part) => part.length > 0);
  const line: Segment[] = [seg(' ')];
  parts.forEach((part, i) => line.push(...(i === 0 ? [] : [SEPARATOR]), ...part));
  const key: Segment[] = [seg(` ${input.toggleKey}`, 'statusKey'), seg(' side panes ', 'dim')];
  const gap = input.width - lineWidth(line) - lineWidth(key);
  if (gap >= 1) return [...line, seg(' '.repeat(gap)), ...key];
  return clipLine(line, input.width);
}
