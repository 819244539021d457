/** What Enter does with the input: a prompt to the model, a TUI command, or a core command. */
import type { CommandResult } from '../../core/api.js';
import { assertNever } from '../../core/errors.js';
import {
  compactionFigures,
  contextNote,
  infoNote,
  knowledgeNote,
  type ResultNote,
} from '../view/command-result.js';
import { compactNumber } from '../view/format.js';
import { allCommands, completeCommand, parseInput, type TuiCommandName } from '../commands.js';
import { setText, submit } from '../input-state.js';
import type { Controller } from './controller.js';
import { createSession, forkCurrent, listSessions, renameCurrent, switchToName } from './sessions.js';
import { conversationOf } from './state.js';

export function send(c: Controller): void {
  const parsed = parseInput(c.state.input.text);
  switch (parsed.kind) {
    case 'empty':
      return;
    case 'prompt':
      sendPrompt(c, parsed.text, true);
      return;
    case 'tui':
      take(c);
      runTuiCommand(c, parsed.name, parsed.args);
      return;
    case 'core': {
      take(c);
      const handle = c.current();
      if (handle === null) {
        c.note('Open or create a session first (/new NAME).', 'warning');
        return;
      }
      c.run(`Running ${parsed.line.split(/\s/)[0] ?? ''}`, async () =>
        showResult(c, await handle.command(parsed.line)),
      );
      return;
    }
  }
}

function take(c: Controller): string {
  const { text, state } = submit(c.state.input);
  c.state.input = state;
  c.setHint(null);
  return text;
}

/** Sends `text`; when it came from the input, the input is emptied (only once it is really sent). */
function sendPrompt(c: Controller, text: string, fromInput: boolean, model?: string): void {
  const handle = c.current();
  if (handle === null)
    return c.note('No session is open: pick one in the Sessions pane or type /new NAME.', 'warning');
  if (handle.readOnly)
    return c.note(
      'This view is read-only (another process writes this session); nothing was sent. /fork [NAME] continues it here.',
      'error',
    );
  // The text stays in the input, so nothing typed is lost while a turn runs.
  if (handle.isBusy()) return c.setHint('a turn is running: wait, or Esc to cancel it', 'warning');
  if (fromInput) take(c);
  conversationOf(c.state, handle.id).scroll = 0;
  // The outcome arrives as turn.* events (shown in place); only a thrown error is left to report.
  c.run(
    'Sending',
    async () => {
      await handle.submit(text, model === undefined ? {} : { model });
    },
    { untracked: true },
  );
}

function runTuiCommand(c: Controller, name: TuiCommandName, args: string): void {
  switch (name) {
    case 'help':
      c.state.helpVisible = true;
      c.note(
        `Commands: ${allCommands()
          .map((x) => `${x.usage} — ${x.summary}`)
          .join(' · ')}`,
        'info',
      );
      return;
    case 'list':
      return listSessions(c);
    case 'session':
      return c.run('Switching session', () => switchToName(c, args));
    case 'new':
      return c.run('Creating a session', () => createSession(c, args === '' ? undefined : args));
    case 'rename':
      return c.run('Renaming', () => renameCurrent(c, args));
    case 'fork':
      return c.run('Forking', () => forkCurrent(c, args));
    case 'clear': {
      const id = c.state.currentId;
      if (id === null) return;
      const handle = c.state.handles.get(id);
      const conv = conversationOf(c.state, id);
      conv.clearedAt = handle === undefined ? 0 : c.history.items(id, handle.records()).length;
      conv.notes = [];
      conv.scroll = 0;
      c.requestRender();
      return;
    }
    case 'exit':
      c.onExit(0);
      return;
  }
}

function resultNote(c: Controller, { text, body }: ResultNote): void {
  c.note(text, 'info', c.state.currentId, body);
}

function showResult(c: Controller, result: CommandResult): void {
  switch (result.type) {
    case 'message':
      return c.note(result.text, result.level);
    case 'modelChanged':
      c.note(`Model: ${result.previous} → ${result.model}`, 'info');
      return c.refreshContext();
    case 'unknown': {
      const hint =
        result.suggestions.length > 0
          ? ` Did you mean ${result.suggestions.join(', ')}?`
          : ' /help lists the commands.';
      return c.note(`Unknown command /${result.name}; nothing was sent to the model.${hint}`, 'warning');
    }
    case 'info':
      return resultNote(c, infoNote(result.info));
    case 'context':
      return resultNote(c, contextNote(result.filter, result.rows, result.breakdown.total));
    case 'knowledge':
      return resultNote(c, knowledgeNote(result.entries, result.changed));
    case 'compacted':
      return c.note(`Summarised now: ${compactionFigures(result.compaction)}`, 'info');
    case 'uncompressed': {
      const handle = c.current();
      if (handle !== null) c.history.invalidate(handle.id);
      c.note(
        `Compression undone: ${result.restored} messages back in context (${compactNumber(result.tokensBefore)} → ${compactNumber(result.tokensAfter)} tokens)`,
        'info',
      );
      return c.refreshContext();
    }
    case 'checkpoint':
      c.note(
        result.compaction === null
          ? 'Checkpoint recorded (nothing to compress).'
          : `Checkpoint recorded: ${compactionFigures(result.compaction)}`,
        'info',
      );
      if (result.followUp !== undefined) sendPrompt(c, result.followUp, false);
      return;
    case 'submit':
      return sendPrompt(c, result.text, false, result.model);
    case 'mcpServers':
      return c.note(
        `MCP servers: ${result.servers.map((m) => `${m.name} ${m.status} (${m.tools.length} tools)`).join(' · ') || 'none'}`,
        'info',
      );
    case 'schedules':
      return c.note(
        `Schedules: ${result.schedules.map((x) => `${x.id} ${x.kind} “${x.text}”`).join(' · ') || 'none'}`,
        'info',
      );
    case 'jobs':
      return c.note(
        `Jobs: ${result.jobs.map((j) => `${j.title} ${j.status}`).join(' · ') || 'none'}`,
        'info',
      );
    default:
      return assertNever(result, 'command result');
  }
}

/** Tab in the input: completes a /command; returns false when there is nothing to complete (focus moves). */
export function complete(c: Controller): boolean {
  const text = c.state.input.text;
  if (!text.startsWith('/') || /\s/.test(text)) return false;
  const { text: completed, choices } = completeCommand(
    text,
    allCommands().map((x) => x.name),
  );
  if (completed !== null) c.state.input = setText(c.state.input, completed);
  c.setHint(
    choices.length > 1
      ? choices.map((x) => `/${x}`).join(' ')
      : choices.length === 0
        ? 'no such command'
        : null,
  );
  return true;
}
