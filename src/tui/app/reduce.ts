/**
 * The TUI's one state transition: `reduce(state, event)` is pure (no workspace, no screen, no clock),
 * so every behaviour of the workspace screen can be tested as data. Effects come back as values for the
 * controller to run; their outcomes return here as events.
 */
import type { CommandResult } from '../../core/api.js';
import { assertNever } from '../../core/errors.js';
import { step, type AppEvent, type Step } from './actions.js';
import { approvalAsked, approvalSettled } from './approvals.js';
import { commandDone, submitRefused, submitting } from './input.js';
import { keepFocusShown } from './geometry.js';
import { jobCancelled, outputRead, transcriptLoaded } from './jobs.js';
import { onKey } from './keys.js';
import { withFailure, withHint, withNote } from './notes.js';
import { jobRow, mcpRow, onWorkspaceEvent } from './on-workspace.js';
import { askEarlier, earlierDone } from './earlier.js';
import { pasted } from './paste.js';
import { drainQueues, queueAfter, queuedTaken, sendingDone } from './queue.js';
import { scrollByLines, scrollToEdge } from './scrolling.js';
import { hitShown, searched } from './search.js';
import { listed, moveSessionCursor, notFound, opened, picker, switchTo, tookOver } from './sessions.js';
import { fromSnapshot, setIn, withConversation, type AppState } from './state.js';
import { setText } from '../input-state.js';
import { localServersFound, providerMissing } from './first-run.js';

/** Lines one wheel notch scrolls. */
const WHEEL_LINES = 3;

const quiet = (state: AppState): Step => ({ state, effects: [], quiet: true });

function seeded(state: AppState, event: Extract<AppEvent, { type: 'seeded' }>): AppState {
  const jobs = new Map(event.jobs.map((job) => [job.id, jobRow(job)]));
  const mcp = new Map(event.mcp.map((server) => [server.name, mcpRow(server)]));
  const start: AppState = { ...state, jobs, mcp };
  return event.approvals.reduce((s, request) => approvalAsked(s, request, null), start);
}

function clicked(state: AppState, event: Extract<AppEvent, { type: 'click' }>): Step {
  const focused = { ...state, focus: event.pane, helpVisible: false };
  if (event.pane !== 'sessions' || event.sessionId === null) return step(focused);
  return switchTo({ ...focused, sessionCursor: event.sessionId }, event.sessionId);
}

function wheel(state: AppState, event: Extract<AppEvent, { type: 'wheel' }>): Step {
  if (event.pane === 'conversation') return scrollByLines(state, -event.direction * WHEEL_LINES);
  if (event.pane === 'sessions') return step(moveSessionCursor(state, event.direction, { unset: 0 }));
  return quiet(state);
}

/**
 * What the paint settled on is kept, without asking for another paint. A conversation drawn up to its
 * first item whose start is not read yet reads it now.
 */
function painted(state: AppState, event: Extract<AppEvent, { type: 'painted' }>): Step {
  const top = state.sessionsTop === event.sessionsTop ? state : { ...state, sessionsTop: event.sessionsTop };
  const conv = event.conversation;
  if (conv === null) return quiet(top);
  const kept =
    top.conversations.get(conv.sessionId)?.scroll === conv.scroll
      ? top
      : withConversation(top, conv.sessionId, () => ({ scroll: conv.scroll }));
  // Read from the clamped scroll: the records that come in front leave the lines below where they were.
  return (conv.atTop ? askEarlier(kept, conv.sessionId, null) : null) ?? quiet(kept);
}

function earlierLoaded(state: AppState, event: Extract<AppEvent, { type: 'earlierLoaded' }>): Step {
  const done = earlierDone(state, event.sessionId);
  const { then } = event;
  if (then === null || done.currentId !== event.sessionId) return step(done);
  if (then === 'top') return scrollToEdge(done, 'top');
  return hitShown(done, event.sessionId, then.seq);
}

function resnapshotted(state: AppState, event: Extract<AppEvent, { type: 'resnapshotted' }>): Step {
  const id = event.snapshot.sessionId;
  if (!state.open.has(id)) return quiet(state);
  return step({ ...state, open: setIn(state.open, id, fromSnapshot(event.snapshot)) });
}

/** A command's result belongs to the session it ran in, on screen or not (a queued one runs unseen). */
function commandDoneIn(state: AppState, sessionId: string, result: CommandResult): Step {
  if (state.currentId === sessionId) return commandDone(state, result);
  const done = commandDone({ ...state, currentId: sessionId }, result);
  return { ...done, state: { ...done.state, currentId: state.currentId } };
}

/** The next state and its effects; then each session left free sends its next queued message. */
export function reduce(state: AppState, event: AppEvent): Step {
  return drainQueues(reduceEvent(state, event));
}

function reduceEvent(state: AppState, event: AppEvent): Step {
  switch (event.type) {
    case 'workspace':
      return queueAfter(state, onWorkspaceEvent(state, event.event, event.at), event.event);
    case 'seeded':
      return step(seeded(state, event));
    case 'key':
      return onKey(state, event.key, event.at);
    case 'paste':
      return pasted(state, event.text);
    case 'click':
      return clicked(state, event);
    case 'wheel':
      return wheel(state, event);
    case 'resize':
      return step(keepFocusShown({ ...state, screen: { width: event.width, height: event.height } }));
    case 'painted':
      return painted(state, event);
    case 'firstPainted':
      return step({ ...state, checkDirs: true }, { kind: 'relist' });
    case 'hint':
      return step(withHint(state, event.text, event.tone));
    case 'listed':
      return step(listed(state, event.summaries));
    case 'opened':
      return opened(state, event.snapshot, event.token);
    case 'tookOver':
      return tookOver(state, event.snapshot);
    case 'switch':
      return switchTo(state, event.sessionId);
    case 'picker':
      return step(picker(state));
    case 'notFound':
      return step(notFound(state, event.name, event.closest));
    case 'renamed':
      return step(withNote(state, `Renamed to ${event.name}.`, 'info'));
    case 'forked':
      return step(
        withNote(state, `Forked ${event.origin} as ${event.name}: this session continues from here.`, 'info'),
      );
    case 'hitShown':
      return hitShown(state, event.sessionId, event.seq);
    case 'earlierLoaded':
      return earlierLoaded(state, event);
    case 'commandDone':
      return commandDoneIn(sendingDone(state, event.sessionId), event.sessionId, event.result);
    case 'submitting': {
      const taken = event.queued === undefined ? state : queuedTaken(state, event.sessionId, event.queued);
      return step(submitting(taken, event.sessionId, event.fromInput));
    }
    case 'providerMissing':
      return step(providerMissing(state, event.model, event.problem));
    case 'localServers':
      return step(localServersFound(state, event.servers));
    case 'notSent':
      return step(notSent(state, event.sessionId, event.text));
    case 'submitRefused':
      // A queued message stays queued (and in flight): it goes when the turn that was running ends.
      return event.queued === undefined ? step(submitRefused(state)) : quiet(state);
    case 'contextRead':
      return event.sessionId === state.currentId
        ? step({ ...state, breakdown: event.breakdown })
        : quiet(state);
    case 'resnapshotted':
      return resnapshotted(state, event);
    case 'scrolled':
      return step(withConversation(state, event.sessionId, () => ({ scroll: event.scroll })));
    case 'searched':
      return step(searched(state, event.query, event.hits));
    case 'transcriptLoaded':
      return step(transcriptLoaded(state, event.jobId, event.records));
    case 'outputRead':
      return step(outputRead(state, event.jobId, event.output));
    case 'jobCancelled':
      return step(jobCancelled(state, event.title, event.ok));
    case 'approvalGone':
      return step(approvalSettled(state, event.requestId, null));
    case 'failed': {
      const freed = event.sessionId === undefined ? state : sendingDone(state, event.sessionId);
      return step(withFailure(freed, event.what, event.message, event.logProblem));
    }
    default:
      return assertNever(event, 'app event');
  }
}

/** A message that could not be sent comes back to the input, unless something new was typed there since. */
function notSent(state: AppState, sessionId: string, text: string): AppState {
  if (sessionId !== state.currentId || state.input.text !== '') return state;
  return withHint(
    { ...state, input: setText(state.input, text) },
    'Not sent: your message is back in the input. Set up a provider (see above), then Enter sends it.',
    'warning',
  );
}
