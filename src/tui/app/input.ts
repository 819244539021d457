/** What Enter does with the input: a prompt to the model, a TUI command, or a core command; and their results. */
import type { CommandResult } from '../../core/api.js';
import { assertNever } from '../../core/errors.js';
import {
  compactionFigures,
  contextNote,
  infoNote,
  jobsNote,
  knowledgeNote,
  type ResultNote,
} from '../view/command-result.js';
import { plural, sanitizeLine } from '../../core/text/index.js';
import { compactNumber } from '../view/format.js';
import { allCommands, completeCommand, parseInput, type TuiCommandName } from '../commands.js';
import { expandedText, setText, submit } from '../input-state.js';
import { openHelpAtCommands } from './help.js';
import { step, type Step } from './actions.js';
import { historyItems, withHint, withNote } from './notes.js';
import { enqueue, mustQueue, resumeQueue } from './queue.js';
import { listSessions } from './sessions.js';
import { currentSession, deleteIn, isBusy, withConversation, type AppState } from './state.js';

export function send(state: AppState, now: number): Step {
  const parsed = parseInput(expandedText(state.input));
  switch (parsed.kind) {
    case 'empty':
      return resumeQueue(state) ?? step(state);
    case 'prompt':
      return sendPrompt(state, parsed.text, { fromInput: true });
    case 'tui':
      return runTuiCommand(take(state), parsed.name, parsed.args, now);
    case 'core': {
      const id = state.currentId;
      if (id === null || !state.open.has(id))
        return step(withNote(take(state), 'Open or create a session first (/new NAME).', 'warning'));
      // One that changes the session waits for its turn, or compression, like a message typed ahead.
      if (waitsForIdle(state, parsed.line) && (mustQueue(state, id) || state.queueHeld.has(id)))
        return enqueue(state, id, { text: parsed.line, command: true });
      return step(take(state), { kind: 'command', sessionId: id, line: parsed.line });
    }
  }
}

/** The command changes the session, so it must wait while a turn or a compression runs. */
function waitsForIdle(state: AppState, line: string): boolean {
  const [, name = '', args = ''] = /^\/(\S+)\s*([\s\S]*)$/.exec(line) ?? [];
  const help = state.facts.commands.find((c) => c.name === name);
  return help?.waitsForIdle === 'always' || (help?.waitsForIdle === 'withArguments' && args.trim() !== '');
}

/** The input emptied (its text kept in history) for sending. */
function take(state: AppState): AppState {
  return withHint({ ...state, input: submit(state.input).state }, null);
}

/** Sent from a session's input, then another was put on screen: that session's draft is what went. */
function takeDraft(state: AppState, sessionId: string): AppState {
  const draft = state.drafts.get(sessionId);
  if (draft === undefined) return state;
  const { history } = submit({ ...draft, history: state.input.history }).state;
  return { ...state, drafts: deleteIn(state.drafts, sessionId), input: { ...state.input, history } };
}

/** The submit effect found the session free: the text leaves the input, and the pane follows the reply. */
export function submitting(state: AppState, sessionId: string, fromInput: boolean): AppState {
  const taken = !fromInput
    ? state
    : sessionId === state.currentId
      ? take(state)
      : takeDraft(state, sessionId);
  return withConversation(taken, sessionId, () => ({ scroll: 0 }));
}

export function submitRefused(state: AppState): AppState {
  return withHint(state, 'a turn is running: wait, or Esc to cancel it', 'warning');
}

/**
 * Sends `text` to the session on screen. From the input, the text stays there until the workspace
 * takes it (`submitting`), so nothing typed is lost while a turn runs.
 */
function sendPrompt(state: AppState, text: string, options: { fromInput: boolean; model?: string }): Step {
  const session = currentSession(state);
  if (session === null)
    return step(
      withNote(state, 'No session is open: pick one in the Sessions pane or type /new NAME.', 'warning'),
    );
  // Refused before the text leaves the input: nothing typed is lost.
  if (session.detached !== null)
    return step(
      withNote(
        state,
        `Not sent: the process that held ${sanitizeLine(session.summary.name)} went away (${session.detached}). ` +
          `Quit, then octo run --resume ${sanitizeLine(session.summary.name)} continues it here.`,
        'error',
      ),
    );
  if (session.readOnly)
    return step(
      withNote(
        state,
        'This view is read-only (another process writes this session); nothing was sent. /fork [NAME] continues it here.',
        'error',
      ),
    );
  // Typed ahead: it waits for the turn (and what was queued before it), in order.
  if (options.fromInput && (mustQueue(state, session.id) || state.queueHeld.has(session.id)))
    return enqueue(state, session.id, { text, command: false });
  if (isBusy(state, session.id)) return step(submitRefused(state));
  // The outcome arrives as turn.* events (shown in place); only a thrown error is left to report.
  return step(state, {
    kind: 'submit',
    sessionId: session.id,
    text,
    fromInput: options.fromInput,
    ...(options.model === undefined ? {} : { model: options.model }),
  });
}

function runTuiCommand(state: AppState, name: TuiCommandName, args: string, now: number): Step {
  switch (name) {
    case 'help':
      // The help (view/help-view.ts), opened at its list of commands, after the keys.
      return openHelpAtCommands(state);
    case 'list':
      return step(listSessions(state, now));
    case 'session':
      if (args === '') return step(withNote(state, 'Usage: /session NAME', 'warning'));
      return step(state, { kind: 'openByName', name: args });
    case 'new':
      return step(state, args === '' ? { kind: 'create' } : { kind: 'create', name: args });
    case 'rename': {
      const id = state.currentId;
      if (id === null || args === '')
        return step(withNote(state, 'Usage: /rename NAME (with a session open)', 'warning'));
      return step(state, { kind: 'rename', sessionId: id, name: args });
    }
    case 'fork': {
      const session = currentSession(state);
      if (session === null)
        return step(withNote(state, 'Open a session first: /fork copies the session on screen.', 'warning'));
      const origin = session.summary.name;
      return step(state, {
        kind: 'fork',
        sessionId: session.id,
        name: args === '' ? `${origin}-fork` : args,
        origin,
      });
    }
    case 'clear': {
      const id = state.currentId;
      if (id === null) return step(state);
      const clearedAt = historyItems(state, id).length;
      return step(withConversation(state, id, () => ({ clearedAt, notes: [], scroll: 0 })));
    }
    case 'exit':
      return step(state, { kind: 'exit', code: 0 });
  }
}

function resultNote(state: AppState, { text, body }: ResultNote): AppState {
  return withNote(state, text, 'info', state.currentId, body);
}

const readContext = (state: AppState): Step =>
  state.currentId === null ? step(state) : step(state, { kind: 'readContext', sessionId: state.currentId });

/** A core command's result, shown in the conversation (or acted on: /run and /done send text). */
export function commandDone(state: AppState, result: CommandResult): Step {
  switch (result.type) {
    case 'message':
      return step(withNote(state, result.text, result.level));
    case 'modelChanged':
      return readContext(withNote(state, `Model: ${result.previous} → ${result.model}`, 'info'));
    case 'unknown': {
      const hint =
        result.suggestions.length > 0
          ? ` Did you mean ${result.suggestions.join(', ')}?`
          : ' /help lists the commands.';
      return step(
        withNote(state, `Unknown command /${result.name}; nothing was sent to the model.${hint}`, 'warning'),
      );
    }
    case 'info':
      return step(resultNote(state, infoNote(result.info)));
    case 'context':
      return step(resultNote(state, contextNote(result.filter, result.rows, result.breakdown.total)));
    case 'knowledge':
      return step(resultNote(state, knowledgeNote(result.entries, result.changed)));
    case 'compacted':
      return step(withNote(state, `Summarised now: ${compactionFigures(result.compaction)}`, 'info'));
    case 'uncompressed':
      return readContext(
        withNote(
          state,
          `Compression undone: ${plural(result.restored, 'message')} back in context (${compactNumber(result.tokensBefore)} → ${compactNumber(result.tokensAfter)} tokens)`,
          'info',
        ),
      );
    case 'checkpoint': {
      const noted = withNote(
        state,
        result.compaction === null
          ? 'Checkpoint recorded (nothing to compress).'
          : `Checkpoint recorded: ${compactionFigures(result.compaction)}`,
        'info',
      );
      return result.followUp === undefined
        ? step(noted)
        : sendPrompt(noted, result.followUp, { fromInput: false });
    }
    case 'submit':
      return sendPrompt(state, result.text, {
        fromInput: false,
        ...(result.model === undefined ? {} : { model: result.model }),
      });
    case 'mcpServers':
      return step(
        withNote(
          state,
          `MCP servers: ${result.servers.map((m) => `${m.name} ${m.status} (${plural(m.tools.length, 'tool')})`).join(' · ') || 'none'}`,
          'info',
        ),
      );
    case 'schedules':
      return step(
        withNote(
          state,
          `Schedules: ${result.schedules.map((x) => `${x.id} ${x.kind} “${x.text}”`).join(' · ') || 'none'}`,
          'info',
        ),
      );
    case 'jobs':
      return step(resultNote(state, jobsNote(result.jobs)));
    default:
      return assertNever(result, 'command result');
  }
}

/** Tab in the input: completes a /command; null when there is nothing to complete (focus moves). */
export function complete(state: AppState): Step | null {
  const text = state.input.text;
  if (!text.startsWith('/') || /\s/.test(text)) return null;
  const { text: completed, choices } = completeCommand(
    text,
    allCommands(state.facts.commands).map((x) => x.name),
  );
  const input = completed === null ? state.input : setText(state.input, completed);
  return step(
    withHint(
      { ...state, input },
      choices.length > 1
        ? choices.map((x) => `/${x}`).join(' ')
        : choices.length === 0
          ? 'no such command'
          : null,
    ),
  );
}
