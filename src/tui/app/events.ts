/** Workspace events into state: busy marks, streaming text, summaries, context, jobs, warnings. */
import type { OctoEvents } from '../../core/events.js';
import { ZERO_USAGE } from '../../core/store/records.js';
import type { Controller } from './controller.js';
import { describeWarning } from './warnings.js';
import { approvalAsked, approvalSettled } from './approvals.js';
import { budgetListeners } from './budget.js';
import { compressionListeners } from './compression.js';
import { noteCatchUp } from './catch-up.js';
import { loadTranscript } from './jobs.js';
import type { JobStatus } from '../view/jobs-view.js';

/**
 * Re-reads the session list; runs when the list changed, here or in another terminal (the workspace
 * watches index.db). After the first paint it also checks each project directory (a stat each: not at
 * start-up).
 */
export function relist(c: Controller): Promise<void> {
  return c.ws.sessions.list({ checkProjectDirs: c.state.checkDirs }).then((summaries) => {
    c.state.summaries = summaries;
    const s = c.state;
    if (s.sessionCursor !== null && !summaries.some((x) => x.id === s.sessionCursor))
      s.sessionCursor = s.currentId;
    c.requestRender();
  });
}

function onSummary(c: Controller, { summary }: OctoEvents['session.updated']): void {
  const s = c.state;
  const index = s.summaries.findIndex((x) => x.id === summary.id);
  s.summaries =
    index === -1 ? [summary, ...s.summaries] : s.summaries.map((x, i) => (i === index ? summary : x));
  // The records now hold what streamed so far (the reply was saved): the live buffer starts over.
  if (s.live.has(summary.id)) s.live.set(summary.id, { text: '', reasoning: '' });
  if (summary.id === s.currentId) c.refreshContext();
  c.requestRender();
}

function turnEnded(c: Controller, sessionId: string, turnId: string): void {
  if (c.state.turnIds.get(sessionId) !== turnId) return;
  c.state.turnIds.delete(sessionId);
  c.state.busy.delete(sessionId);
  c.state.live.delete(sessionId);
  if (sessionId === c.state.currentId) c.refreshContext();
  c.requestRender();
}

/** Jobs and MCP servers already there when the screen opens (later changes arrive as events). */
function seedJobs(c: Controller): void {
  for (const job of c.ws.jobs.list()) {
    const { id, kind, title, sessionId, childSessionId, status, startedAt, endedAt, usage, cost } = job;
    c.state.jobs.set(id, {
      id,
      kind,
      title,
      sessionId,
      childSessionId: childSessionId ?? null,
      status,
      startedAt,
      endedAt,
      tokens: usage.input + usage.output,
      cost,
      activity: job.error ?? job.activity,
    });
  }
  for (const server of c.ws.mcp.list()) {
    const { name, status, tools, reason } = server;
    c.state.mcp.set(name, { name, status, tools: tools.length, reason: reason ?? null });
  }
}

/** Subscribes the controller; returns the unsubscribe function. */
export function subscribe(c: Controller): () => void {
  const { ws, state } = c;
  seedJobs(c);
  for (const request of ws.approvals.pending()) approvalAsked(c, request);
  const offs = [
    ws.on('approval.requested', ({ requestId, kind, sessionId, tool, summary, detail }) =>
      approvalAsked(c, { requestId, kind, sessionId, tool, summary, detail }),
    ),
    ws.on('approval.settled', ({ requestId }) => approvalSettled(c, requestId)),
    ws.on('session.updated', (e) => onSummary(c, e)),
    ws.on('session.listChanged', () => c.run('Reading the session list', () => relist(c))),
    ws.on('turn.started', ({ sessionId, turnId }) => {
      state.busy.add(sessionId);
      state.turnIds.set(sessionId, turnId);
      state.live.set(sessionId, { text: '', reasoning: '' });
      c.requestRender();
    }),
    ws.on('turn.delta', ({ sessionId, kind, text }) => {
      const live = state.live.get(sessionId) ?? { text: '', reasoning: '' };
      state.live.set(
        sessionId,
        kind === 'text' ? { ...live, text: live.text + text } : { ...live, reasoning: live.reasoning + text },
      );
      if (sessionId === state.currentId) c.requestRender();
    }),
    ws.on('turn.toolCall', ({ sessionId }) => sessionId === state.currentId && c.requestRender()),
    ws.on('turn.toolResult', ({ sessionId }) => sessionId === state.currentId && c.requestRender()),
    ws.on('turn.usage', ({ sessionId }) => sessionId === state.currentId && c.refreshContext()),
    ws.on('turn.retry', ({ sessionId, attempt, delayMs, reason }) =>
      c.note(
        `Retrying (attempt ${attempt}) in ${Math.ceil(delayMs / 1000)} s: ${reason}`,
        'warning',
        sessionId,
      ),
    ),
    ws.on('turn.warning', ({ sessionId, message }) => c.note(message, 'warning', sessionId)),
    ws.on('turn.finished', ({ sessionId, turnId }) => turnEnded(c, sessionId, turnId)),
    ws.on('turn.failed', ({ sessionId, turnId, code, message }) => {
      turnEnded(c, sessionId, turnId);
      // A limit reached is already a question on screen (app/budget.ts): no second, alarming line.
      if (code === 'budget_exceeded' && state.budgetAsk?.sessionId === sessionId) return;
      c.note(`Turn failed: ${message}`, 'error', sessionId);
    }),
    ws.on('turn.interrupted', ({ sessionId, turnId, reason }) => {
      turnEnded(c, sessionId, turnId);
      c.note(
        reason === 'user'
          ? 'Turn cancelled; the partial reply is kept, marked interrupted.'
          : `Turn interrupted (${reason}).`,
        'warning',
        sessionId,
      );
    }),
    ws.on('context.changed', ({ sessionId, breakdown }) => {
      if (sessionId !== state.currentId) return;
      state.breakdown = breakdown;
      c.requestRender();
    }),
    ...compressionListeners(c),
    ...budgetListeners(c),
    ws.on('store.warning', ({ warning }) => {
      const { text, tone } = describeWarning(warning);
      c.note(text, tone);
    }),
    ws.on('job.started', ({ jobId, title, kind, sessionId, childSessionId }) => {
      const now = c.deps.clock();
      state.jobs.set(jobId, {
        id: jobId,
        kind,
        title,
        sessionId,
        childSessionId: childSessionId ?? null,
        status: 'running',
        startedAt: now,
        endedAt: null,
        tokens: 0,
        cost: null,
        activity: '',
      });
      c.requestRender();
    }),
    ws.on('job.progress', ({ jobId, activity, usage, cost }) => {
      const job = state.jobs.get(jobId);
      if (job === undefined) return;
      const u = usage ?? ZERO_USAGE;
      state.jobs.set(jobId, { ...job, activity, tokens: u.input + u.output, cost });
      c.requestRender();
      // An open transcript follows the agent as it works.
      if (state.transcript?.jobId === jobId) c.run('Reading the transcript', () => loadTranscript(c, jobId));
    }),
    ws.on('job.finished', ({ jobId, usage, cost }) => {
      const job = state.jobs.get(jobId);
      if (job !== undefined && usage !== undefined)
        state.jobs.set(jobId, { ...job, tokens: usage.input + usage.output, cost: cost ?? job.cost });
      endJob(c, jobId, 'finished', '');
    }),
    ws.on('job.failed', ({ jobId, message, cancelled }) =>
      endJob(c, jobId, cancelled === true ? 'cancelled' : 'failed', message),
    ),
    ws.on('mcp.status', ({ server, status, tools, reason }) => {
      state.mcp.set(server, { name: server, status, tools, reason: reason ?? null });
      c.requestRender();
    }),
    ws.on('session.filesStale', ({ sessionId, paths }) => {
      state.stale.set(sessionId, paths);
      if (sessionId === state.currentId) c.requestRender();
    }),
    ws.on('session.catchUp', ({ sessionId, catchUp }) => noteCatchUp(c, sessionId, catchUp)),
  ];
  return () => offs.forEach((off) => off());
}

function endJob(c: Controller, jobId: string, status: JobStatus, activity: string): void {
  const job = c.state.jobs.get(jobId);
  if (job === undefined) return;
  c.state.jobs.set(jobId, { ...job, status, endedAt: c.deps.clock(), activity: activity || job.activity });
  c.requestRender();
  const open = c.state.transcript;
  if (open?.jobId === jobId) c.run('Reading the transcript', () => loadTranscript(c, jobId));
}
