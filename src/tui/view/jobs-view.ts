/** The Jobs pane: background jobs with status, elapsed time, tokens and cost (filled by the agents issue). */
import { sanitizeLine } from '../../core/text/sanitize.js';
import { seg, type StyledLine, type StyleKey } from '../text/styled.js';
import { fit } from '../text/width.js';
import { compactNumber, formatCost } from './format.js';

export type JobStatus = 'running' | 'finished' | 'failed' | 'cancelled';

export interface JobRow {
  id: string;
  title: string;
  status: JobStatus;
  startedAt: number;
  endedAt: number | null;
  tokens: number;
  cost: number | null;
  activity: string;
}

const STATUS: Record<JobStatus, { mark: string; style: StyleKey }> = {
  running: { mark: '⟳', style: 'busy' },
  finished: { mark: '✓', style: 'marker' },
  failed: { mark: '✗', style: 'error' },
  cancelled: { mark: '–', style: 'dim' },
};

function elapsed(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}

export function jobsView(jobs: readonly JobRow[], now: number, width: number): StyledLine[] {
  if (jobs.length === 0) return [[seg('No background jobs', 'dim')]];
  const w = Math.max(10, width);
  return jobs.flatMap((job): StyledLine[] => {
    const look = STATUS[job.status];
    const facts = `${elapsed((job.endedAt ?? now) - job.startedAt)} · ${compactNumber(job.tokens)} tok · ${formatCost(job.cost)}`;
    return [
      [seg(`${look.mark} `, look.style), seg(fit(sanitizeLine(job.title), w - 2))],
      [seg(fit(`  ${facts}${job.activity === '' ? '' : ` · ${sanitizeLine(job.activity)}`}`, w), 'dim')],
    ];
  });
}
