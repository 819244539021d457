/** The Jobs pane's actions: select a job, show its transcript, cancel it (all through ws.jobs / ws.sessions). */
import type { Controller } from './controller.js';
import type { JobRow } from '../view/jobs-view.js';
import { maxScroll, outputLines, transcriptLines } from '../view/overlay-view.js';
import { PAGE_OVERLAP } from './scrolling.js';
import { overlaySizeOver } from './views.js';

/** Jobs in the order the pane shows them. */
export function jobOrder(c: Controller): JobRow[] {
  return [...c.state.jobs.values()];
}

export function moveJobCursor(c: Controller, delta: 1 | -1): true {
  const order = jobOrder(c);
  const at = order.findIndex((j) => j.id === c.state.jobCursor);
  const next = at === -1 ? (delta > 0 ? 0 : order.length - 1) : at + delta;
  c.state.jobCursor = order[Math.max(0, Math.min(order.length - 1, next))]?.id ?? null;
  c.requestRender();
  return true;
}

function selected(c: Controller): JobRow | null {
  const id = c.state.jobCursor ?? jobOrder(c).at(-1)?.id ?? null;
  return id === null ? null : (c.state.jobs.get(id) ?? null);
}

/** Reads the job's child session again (it grows while the agent runs). */
export async function loadTranscript(c: Controller, jobId: string): Promise<void> {
  const job = c.state.jobs.get(jobId);
  if (job?.kind === 'shell') {
    showOutput(c, jobId);
    return;
  }
  if (job?.childSessionId == null) return;
  const { records } = await c.ws.sessions.show(job.childSessionId);
  if (c.state.transcript?.jobId !== jobId) return;
  c.state.transcript = { ...c.state.transcript, records };
  c.requestRender();
}

/** A shell job's output so far (it grows while the command runs; kept in memory by the workspace). */
function showOutput(c: Controller, jobId: string): void {
  if (c.state.transcript?.jobId !== jobId) return;
  const output = c.ws.jobs.output(jobId) ?? 'The output of this job is no longer kept.';
  c.state.transcript = { ...c.state.transcript, output };
  c.requestRender();
}

export function openTranscript(c: Controller): true {
  const job = selected(c);
  if (job === null) return true;
  c.state.jobCursor = job.id;
  if (job.kind === 'shell') {
    c.state.transcript = { jobId: job.id, title: `shell: ${job.title}`, records: null, output: '' };
    showOutput(c, job.id);
    return true;
  }
  if (job.childSessionId === null) {
    c.setHint(`${job.kind} jobs keep no transcript; the pane shows their latest activity`);
    return true;
  }
  c.state.transcript = { jobId: job.id, title: `${job.kind}: ${job.title}`, records: null };
  c.requestRender();
  c.run('Reading the transcript', () => loadTranscript(c, job.id));
  return true;
}

export function cancelSelectedJob(c: Controller): true {
  const job = selected(c);
  if (job === null) return true;
  if (job.status !== 'running' || !c.ws.jobs.cancel(job.id)) c.setHint('that job is not running');
  else c.setHint(`cancelling ${job.title}`);
  return true;
}

/** PageUp / PageDown while a transcript or an output is shown over the panes: page through it. */
export function scrollTranscript(c: Controller, direction: 1 | -1): boolean {
  const t = c.state.transcript;
  const layout = c.model?.layout;
  if (t === null || c.state.search !== null || c.state.approvals.length > 0) return false;
  if (layout === undefined || layout.kind !== 'panes') return false;
  const size = overlaySizeOver(layout.status);
  const lines =
    t.output !== undefined
      ? outputLines(t.output, size.width)
      : t.records === null
        ? []
        : transcriptLines(t.records, size.width);
  const page = Math.max(1, size.height - PAGE_OVERLAP);
  const scroll = (t.scroll ?? 0) - direction * page;
  c.state.transcript = { ...t, scroll: Math.min(Math.max(0, scroll), maxScroll(lines.length, size.height)) };
  c.requestRender();
  return true;
}
