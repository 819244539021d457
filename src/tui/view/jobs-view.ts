/** The Jobs pane: background jobs (status, elapsed time, tokens, cost, last activity) and MCP servers. */
import { plural, sanitizeLine } from '../../core/text/index.js';
import { seg, type StyledLine, type StyleKey } from '../text/styled.js';
import { fit } from '../text/width.js';
import { compactNumber, formatTotalCost } from './format.js';

export type JobStatus = 'running' | 'finished' | 'failed' | 'cancelled';

export interface JobRow {
  id: string;
  kind: string;
  title: string;
  /** The session the job works for. */
  sessionId: string;
  /** An agent's own conversation (its transcript). */
  childSessionId: string | null;
  status: JobStatus;
  startedAt: number;
  endedAt: number | null;
  tokens: number;
  cost: number | null;
  /** Characters streamed of the request in flight (an agent's), counted until its usage arrives. */
  streaming: number;
  activity: string;
}

/** A rough token count of streamed text, shown with "~" until the provider reports the real one. */
const CHARS_PER_TOKEN = 4;

export type McpState = 'connecting' | 'ready' | 'failed' | 'needs-approval' | 'disabled';

export interface McpRow {
  name: string;
  status: McpState;
  tools: number;
  reason: string | null;
}

export interface JobsInput {
  jobs: readonly JobRow[];
  mcp: readonly McpRow[];
  /** The selected job (Up/Down with the pane focused). */
  cursor: string | null;
  focused: boolean;
  now: number;
  width: number;
}

const STATUS: Record<JobStatus, { mark: string; style: StyleKey }> = {
  running: { mark: '⟳', style: 'busy' },
  finished: { mark: '✓', style: 'marker' },
  failed: { mark: '✗', style: 'error' },
  cancelled: { mark: '–', style: 'dim' },
};

const MCP: Record<McpState, { mark: string; style: StyleKey }> = {
  connecting: { mark: '…', style: 'dim' },
  ready: { mark: '●', style: 'marker' },
  failed: { mark: '✗', style: 'error' },
  'needs-approval': { mark: '?', style: 'warning' },
  disabled: { mark: '–', style: 'dim' },
};

function elapsed(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}

function mcpText(row: McpRow): string {
  const reason = row.reason === null ? '' : `: ${sanitizeLine(row.reason)}`;
  switch (row.status) {
    case 'ready':
      return `ready (${plural(row.tools, 'tool')})`;
    case 'failed':
      return `failed${reason}`;
    case 'needs-approval':
      return `needs approval${reason}`;
    case 'connecting':
    case 'disabled':
      return `${row.status}${reason}`;
  }
}

/** "1.2k tok", or "~300 tok" while a reply streams and its usage is not known yet. */
export function jobTokens(job: Pick<JobRow, 'tokens' | 'streaming' | 'status'>): string {
  const streamed = job.status === 'running' ? Math.ceil(job.streaming / CHARS_PER_TOKEN) : 0;
  return streamed > 0 ? `~${compactNumber(job.tokens + streamed)} tok` : `${compactNumber(job.tokens)} tok`;
}

function jobLines(job: JobRow, input: JobsInput, w: number): StyledLine[] {
  const look = STATUS[job.status];
  const selected = input.focused && job.id === input.cursor;
  // Tokens and cost first: a narrow pane cuts the end of the line, and these are what the row is for.
  const facts = [
    jobTokens(job),
    formatTotalCost(job.cost, job.cost === null && job.tokens > 0, { significant: true }),
    elapsed((job.endedAt ?? input.now) - job.startedAt),
    ...(job.status === 'running' ? [] : [job.status]),
  ].join(' · ');
  const title = `${sanitizeLine(job.kind)}: ${sanitizeLine(job.title)}`;
  return [
    [
      seg(selected ? '▶' : ' ', 'marker'),
      seg(`${look.mark} `, look.style),
      seg(fit(title, w - 3), selected ? 'selected' : 'text'),
    ],
    [seg(fit(`   ${facts}${job.activity === '' ? '' : ` · ${sanitizeLine(job.activity)}`}`, w), 'dim')],
  ];
}

export function jobsView(input: JobsInput): StyledLine[] {
  const w = Math.max(10, input.width);
  const lines: StyledLine[] =
    input.jobs.length === 0
      ? [[seg('No background jobs', 'dim')]]
      : input.jobs.flatMap((job) => jobLines(job, input, w));
  if (input.mcp.length === 0) return lines;
  lines.push([seg('MCP servers', 'strong')]);
  for (const row of input.mcp) {
    const look = MCP[row.status];
    lines.push([
      seg(`${look.mark} `, look.style),
      seg(fit(`${sanitizeLine(row.name)} ${mcpText(row)}`, w - 2)),
    ]);
  }
  return lines;
}
