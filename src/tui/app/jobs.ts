/** The Jobs pane's actions: select a job, show its transcript or output, cancel it. */
import type { SessionRecord } from '../../core/api.js';
import type { JobRow } from '../view/jobs-view.js';
import { maxScroll, outputLines, transcriptLines } from '../view/overlay-view.js';
import { step, type Effect, type Step } from './actions.js';
import { withHint } from './notes.js';
import { overlayGeometry, PAGE_OVERLAP } from './geometry.js';
import type { AppState } from './state.js';

/** Jobs in the order the pane shows them. */
export function jobOrder(state: AppState): JobRow[] {
  return [...state.jobs.values()];
}

export function moveJobCursor(state: AppState, delta: 1 | -1): Step {
  const order = jobOrder(state);
  const at = order.findIndex((j) => j.id === state.jobCursor);
  const next = at === -1 ? (delta > 0 ? 0 : order.length - 1) : at + delta;
  return step({ ...state, jobCursor: order[Math.max(0, Math.min(order.length - 1, next))]?.id ?? null });
}

function selected(state: AppState): JobRow | null {
  const id = state.jobCursor ?? jobOrder(state).at(-1)?.id ?? null;
  return id === null ? null : (state.jobs.get(id) ?? null);
}

/** Reads the job's transcript (an agent's child session) or output (a shell command) again. */
export function transcriptEffects(state: AppState, jobId: string): Effect[] {
  const job = state.jobs.get(jobId);
  if (job?.kind === 'shell') return [{ kind: 'readOutput', jobId }];
  if (job?.childSessionId == null) return [];
  return [{ kind: 'loadTranscript', jobId, childSessionId: job.childSessionId }];
}

export function transcriptLoaded(
  state: AppState,
  jobId: string,
  records: readonly SessionRecord[],
): AppState {
  if (state.transcript?.jobId !== jobId) return state;
  return { ...state, transcript: { ...state.transcript, records } };
}

/** A shell job's output so far (it grows while the command runs; kept in memory by the workspace). */
export function outputRead(state: AppState, jobId: string, output: string | null): AppState {
  if (state.transcript?.jobId !== jobId) return state;
  const shown = output ?? 'The output of this job is no longer kept.';
  return { ...state, transcript: { ...state.transcript, output: shown } };
}

export function openTranscript(state: AppState): Step {
  const job = selected(state);
  if (job === null) return step(state);
  const chosen = { ...state, jobCursor: job.id };
  if (job.kind === 'shell') {
    const transcript = { jobId: job.id, title: `shell: ${job.title}`, records: null, output: '' };
    return step({ ...chosen, transcript }, { kind: 'readOutput', jobId: job.id });
  }
  if (job.childSessionId === null)
    return step(
      withHint(chosen, `${job.kind} jobs keep no transcript; the pane shows their latest activity`),
    );
  const transcript = { jobId: job.id, title: `${job.kind}: ${job.title}`, records: null };
  return step({ ...chosen, transcript }, ...transcriptEffects(chosen, job.id));
}

export function cancelSelectedJob(state: AppState): Step {
  const job = selected(state);
  if (job === null) return step(state);
  if (job.status !== 'running') return step(withHint(state, 'that job is not running'));
  return step(state, { kind: 'cancelJob', jobId: job.id, title: job.title });
}

export function jobCancelled(state: AppState, title: string, ok: boolean): AppState {
  return withHint(state, ok ? `cancelling ${title}` : 'that job is not running');
}

/** PageUp / PageDown while a transcript or an output is shown over the panes: page through it. */
export function scrollTranscript(state: AppState, direction: 1 | -1): Step | null {
  const t = state.transcript;
  if (t === null || state.search !== null || state.approvals.length > 0) return null;
  const size = overlayGeometry(state);
  if (size === null) return null;
  const lines =
    t.output !== undefined
      ? outputLines(t.output, size.width)
      : t.records === null
        ? []
        : transcriptLines(t.records, size.width);
  const page = Math.max(1, size.height - PAGE_OVERLAP);
  const scroll = (t.scroll ?? 0) - direction * page;
  return step({
    ...state,
    transcript: { ...t, scroll: Math.min(Math.max(0, scroll), maxScroll(lines.length, size.height)) },
  });
}
