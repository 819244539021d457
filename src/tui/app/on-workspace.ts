/** Workspace events into state: records, busy marks, streaming text, summaries, context, jobs, warnings. */
import type { JobInfo, McpServerInfo } from '../../core/api.js';
import { assertNever } from '../../core/errors.js';
import type { OctoEvent, OctoEvents } from '../../core/events.js';
import { applyRecordsChange } from '../../core/session/index.js';
import { sanitizeLine } from '../../core/text/index.js';
import { ZERO_USAGE } from '../../core/store/records.js';
import type { JobRow, JobStatus, McpRow } from '../view/jobs-view.js';
import { step, type Step } from './actions.js';
import { approvalAsked, approvalSettled } from './approvals.js';
import { limitExceeded, limitGone, limitNear } from './budget.js';
import { noteCatchUp } from './catch-up.js';
import {
  compacted,
  compacting,
  compactionFailed,
  compactionProgress,
  compressionEnded,
} from './compression.js';
import { shiftForEarlier } from './earlier.js';
import { transcriptEffects } from './jobs.js';
import { withNote } from './notes.js';
import { addTo, deleteIn, removeFrom, setIn, type AppState } from './state.js';
import { describeWarning } from './warnings.js';

const quiet = (state: AppState): Step => ({ state, effects: [], quiet: true });

/** The context pane shows the current session's breakdown: read it again after what changes it. */
function readContextIfCurrent(state: AppState, sessionId: string): Step {
  return sessionId === state.currentId ? step(state, { kind: 'readContext', sessionId }) : step(state);
}

function onSummary(state: AppState, { summary }: OctoEvents['session.updated']): Step {
  const index = state.summaries.findIndex((x) => x.id === summary.id);
  const summaries =
    index === -1 ? [summary, ...state.summaries] : state.summaries.map((x, i) => (i === index ? summary : x));
  const open = state.open.get(summary.id);
  return readContextIfCurrent(
    {
      ...state,
      summaries,
      open: open === undefined ? state.open : setIn(state.open, summary.id, { ...open, summary }),
      // The records now hold what streamed so far (the reply was saved): the live buffer starts over.
      live: state.live.has(summary.id)
        ? setIn(state.live, summary.id, { text: '', reasoning: '' })
        : state.live,
    },
    summary.id,
  );
}

function onRecords(state: AppState, e: OctoEvents['session.recordsChanged']): Step {
  const open = state.open.get(e.sessionId);
  // Not open here, or already in the snapshot the session was opened with.
  if (open === undefined || e.version <= open.version) return quiet(state);
  // A change went missing (a remote workspace's dropped frame): start again from a snapshot.
  if (e.version > open.version + 1) return step(state, { kind: 'resnapshot', sessionId: e.sessionId });
  const records = applyRecordsChange(open.records, e.change);
  // A whole history: the records read before it (a long session's start) are all in it.
  const whole = e.change.kind === 'replaced';
  const next = { ...open, records, version: e.version, earlier: whole ? 0 : open.earlier };
  const changed = { ...state, open: setIn(state.open, e.sessionId, next) };
  const shifted =
    whole && open.earlier > 0 ? shiftForEarlier(changed, e.sessionId, open.records, records) : changed;
  return e.sessionId === state.currentId ? step(shifted) : quiet(shifted);
}

/** The holder of an attached session went away: the session stays on screen, read-only, saying so. */
function onDetached(state: AppState, { sessionId, reason }: OctoEvents['session.detached']): Step {
  const open = state.open.get(sessionId);
  if (open === undefined || open.detached !== null) return quiet(state);
  const next = {
    ...state,
    open: setIn(state.open, sessionId, { ...open, readOnly: true, detached: sanitizeLine(reason) }),
  };
  return sessionId === state.currentId ? step(next) : quiet(next);
}

function turnEnded(state: AppState, sessionId: string, turnId: string): Step {
  // A session opened while its turn ran (attached to another process) knows no turn id: any end ends it.
  const running = state.turnIds.get(sessionId);
  if (running !== undefined && running !== turnId) return step(state);
  if (running === undefined && !state.busy.has(sessionId)) return step(state);
  return readContextIfCurrent(
    {
      ...state,
      turnIds: deleteIn(state.turnIds, sessionId),
      busy: removeFrom(state.busy, sessionId),
      live: deleteIn(state.live, sessionId),
    },
    sessionId,
  );
}

function turnStarted(state: AppState, { sessionId, turnId }: OctoEvents['turn.started']): AppState {
  const started = {
    ...state,
    busy: addTo(state.busy, sessionId),
    turnIds: setIn(state.turnIds, sessionId, turnId),
    live: setIn(state.live, sessionId, { text: '', reasoning: '' }),
  };
  // A new turn in that session (sent, or continued elsewhere) means the limit question no longer stands.
  return state.budgetAsk?.sessionId === sessionId ? limitGone(started) : started;
}

function delta(state: AppState, { sessionId, kind, text }: OctoEvents['turn.delta']): Step {
  const live = state.live.get(sessionId) ?? { text: '', reasoning: '' };
  const grown =
    kind === 'text' ? { ...live, text: live.text + text } : { ...live, reasoning: live.reasoning + text };
  const next = { ...state, live: setIn(state.live, sessionId, grown) };
  if (sessionId === state.currentId) return step(next);
  // An agent's reply grows its job's row live; another session's grows unseen: no frame for it.
  const job = [...state.jobs.values()].find((j) => j.childSessionId === sessionId && j.status === 'running');
  if (job === undefined) return quiet(next);
  return step(withJob(next, job.id, (row) => ({ ...row, streaming: row.streaming + text.length })));
}

function turnFailed(state: AppState, e: OctoEvents['turn.failed']): Step {
  const ended = turnEnded(state, e.sessionId, e.turnId);
  // A limit reached is already a question on screen (app/budget.ts): no second, alarming line.
  if (e.code === 'budget_exceeded' && state.budgetAsk?.sessionId === e.sessionId) return ended;
  return { ...ended, state: withNote(ended.state, `Turn failed: ${e.message}`, 'error', e.sessionId) };
}

function turnInterrupted(state: AppState, e: OctoEvents['turn.interrupted']): Step {
  const ended = turnEnded(state, e.sessionId, e.turnId);
  const text =
    e.reason === 'user'
      ? 'Turn cancelled; the partial reply is kept, marked interrupted.'
      : e.reason === 'closed'
        ? 'Turn stopped: the session was closed by the process holding it; the partial reply is kept, marked interrupted.'
        : `Turn interrupted (${e.reason}).`;
  return { ...ended, state: withNote(ended.state, text, 'warning', e.sessionId) };
}

export function jobRow(job: JobInfo): JobRow {
  const { id, kind, title, sessionId, childSessionId, status, startedAt, endedAt, usage, cost } = job;
  return {
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
    streaming: 0,
    activity: job.error ?? job.activity,
  };
}

export function mcpRow({ name, status, tools, reason }: McpServerInfo): McpRow {
  return { name, status, tools: tools.length, reason: reason ?? null };
}

function withJob(state: AppState, jobId: string, change: (job: JobRow) => JobRow): AppState {
  const job = state.jobs.get(jobId);
  return job === undefined ? state : { ...state, jobs: setIn(state.jobs, jobId, change(job)) };
}

/** An open transcript follows its job as it works. */
function followTranscript(state: AppState, jobId: string): Step {
  return state.transcript?.jobId === jobId ? step(state, ...transcriptEffects(state, jobId)) : step(state);
}

function endJob(state: AppState, jobId: string, status: JobStatus, activity: string, at: number): Step {
  if (!state.jobs.has(jobId)) return step(state);
  const ended = withJob(state, jobId, (job) => ({
    ...job,
    status,
    endedAt: at,
    activity: activity || job.activity,
  }));
  return followTranscript(ended, jobId);
}

function jobStarted(state: AppState, e: OctoEvents['job.started'], at: number): AppState {
  const row: JobRow = {
    id: e.jobId,
    kind: e.kind,
    title: e.title,
    sessionId: e.sessionId,
    childSessionId: e.childSessionId ?? null,
    status: 'running',
    startedAt: at,
    endedAt: null,
    tokens: 0,
    cost: null,
    streaming: 0,
    activity: '',
  };
  return { ...state, jobs: setIn(state.jobs, e.jobId, row) };
}

function jobProgress(state: AppState, { jobId, activity, usage, cost }: OctoEvents['job.progress']): Step {
  if (!state.jobs.has(jobId)) return step(state);
  const u = usage ?? ZERO_USAGE;
  return followTranscript(
    withJob(state, jobId, (job) => {
      const tokens = u.input + u.output;
      // A request's usage arrived: what streamed of it is now counted for real.
      return { ...job, activity, tokens, cost, streaming: tokens === job.tokens ? job.streaming : 0 };
    }),
    jobId,
  );
}

function jobFinished(state: AppState, { jobId, usage, cost }: OctoEvents['job.finished'], at: number): Step {
  const counted =
    usage === undefined
      ? state
      : withJob(state, jobId, (job) => ({
          ...job,
          tokens: usage.input + usage.output,
          cost: cost ?? job.cost,
        }));
  return endJob(counted, jobId, 'finished', '', at);
}

/** One workspace event; `at` is when it reached the screen. */
export function onWorkspaceEvent(state: AppState, event: OctoEvent, at: number): Step {
  switch (event.name) {
    case 'session.opened': {
      // A view that followed another terminal became the writer (that terminal left): take the new handle.
      const { sessionId, readOnly } = event.payload;
      if (!readOnly && state.open.get(sessionId)?.readOnly === true)
        return step(state, { kind: 'takeOver', sessionId });
      return quiet(state);
    }
    case 'project.filesChanged':
    case 'project.watch':
    case 'trust.changed':
      return quiet(state);
    case 'session.updated':
      return onSummary(state, event.payload);
    case 'session.recordsChanged':
      return onRecords(state, event.payload);
    case 'session.listChanged':
      return step(state, { kind: 'relist' });
    case 'session.filesStale': {
      const { sessionId, paths } = event.payload;
      const next = { ...state, stale: setIn(state.stale, sessionId, paths) };
      return sessionId === state.currentId ? step(next) : quiet(next);
    }
    case 'session.catchUp':
      return step(noteCatchUp(state, event.payload.sessionId, event.payload.catchUp));
    case 'session.detached':
      return onDetached(state, event.payload);
    case 'turn.started':
      return step(turnStarted(state, event.payload));
    case 'turn.delta':
      return delta(state, event.payload);
    case 'turn.toolCall':
    case 'turn.toolResult':
      // The call and its result arrive as records; these only say that they are coming.
      return quiet(state);
    case 'turn.usage':
      return readContextIfCurrent(state, event.payload.sessionId);
    case 'turn.retry': {
      const { sessionId, attempt, delayMs, reason } = event.payload;
      const text = `Retrying (attempt ${attempt}) in ${Math.ceil(delayMs / 1000)} s: ${reason}`;
      return step(withNote(state, text, 'warning', sessionId));
    }
    case 'turn.warning':
      return step(withNote(state, event.payload.message, 'warning', event.payload.sessionId));
    case 'turn.finished':
      return turnEnded(state, event.payload.sessionId, event.payload.turnId);
    case 'turn.failed':
      return turnFailed(state, event.payload);
    case 'turn.interrupted':
      return turnInterrupted(state, event.payload);
    case 'context.changed': {
      const { sessionId, breakdown } = event.payload;
      return sessionId === state.currentId ? step({ ...state, breakdown }) : quiet(state);
    }
    case 'context.compacting':
      return step(compacting(state, event.payload));
    case 'context.compacted':
      return readContextIfCurrent(compacted(state, event.payload), event.payload.sessionId);
    case 'context.compactionFailed':
      return compactionFailed(state, event.payload);
    case 'context.compactionProgress':
      return step(compactionProgress(state, event.payload));
    case 'context.compactionInterrupted':
      return step(compressionEnded(state, event.payload.sessionId));
    case 'knowledge.changed':
      // Pinning or forgetting changes what the knowledge part of the next request holds.
      return readContextIfCurrent(state, event.payload.sessionId);
    case 'job.started':
      return step(jobStarted(state, event.payload, at));
    case 'job.progress':
      return jobProgress(state, event.payload);
    case 'job.finished':
      return jobFinished(state, event.payload, at);
    case 'job.failed': {
      const { jobId, message, cancelled } = event.payload;
      return endJob(state, jobId, cancelled === true ? 'cancelled' : 'failed', message, at);
    }
    case 'mcp.status': {
      const { server, status, tools, reason } = event.payload;
      const row = { name: server, status, tools, reason: reason ?? null };
      return step({ ...state, mcp: setIn(state.mcp, server, row) });
    }
    case 'approval.requested': {
      const { requestId, kind, sessionId, tool, summary, detail } = event.payload;
      return step(approvalAsked(state, { requestId, kind, sessionId, tool, summary, detail }, at));
    }
    case 'approval.settled':
      return step(approvalSettled(state, event.payload.requestId, at, event.payload.answer));
    case 'budget.warning':
      return step(limitNear(state, event.payload));
    case 'budget.exceeded':
      return step(limitExceeded(state, event.payload, at));
    case 'store.warning': {
      const { text, tone } = describeWarning(event.payload.warning);
      return step(withNote(state, text, tone));
    }
    default:
      return assertNever(event, 'workspace event');
  }
}
