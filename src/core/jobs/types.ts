import type { Usage } from '../store/records.js';

export type JobKind = 'agent' | 'shell' | 'schedule' | 'compression';
export type JobStatus = 'running' | 'finished' | 'failed' | 'cancelled';

/** A background job as the jobs pane shows it (`ws.jobs.list()`). */
export interface JobInfo {
  id: string;
  kind: JobKind;
  title: string;
  /** The session the job works for. */
  sessionId: string;
  /** An agent's own conversation, saved as a child session (viewable with ws.sessions.show). */
  childSessionId?: string;
  status: JobStatus;
  /** Milliseconds since the epoch, from the workspace clock. */
  startedAt: number;
  endedAt: number | null;
  usage: Usage;
  /** USD; null while unknown. */
  cost: number | null;
  /** The latest thing it did ("read_file src/a.ts", "next run at 14:00"). */
  activity: string;
  /** Why it failed. */
  error?: string;
}

export interface ScheduleInfo {
  /** Also its job id. */
  id: string;
  sessionId: string;
  kind: 'in' | 'every';
  everyMs: number;
  text: string;
  /** When it fires next (workspace clock, ms since the epoch); null once done. */
  nextAt: number | null;
  runs: number;
}
