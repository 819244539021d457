/**
 * The command menu: typing `/` in the input lists the slash commands with a line each, filtered as the
 * name is typed. Up/Down choose, Tab completes, Enter runs (or completes a command that needs an
 * argument), Esc closes it until the text changes.
 */
import { allCommands, type CommandHelp } from '../commands.js';
import { setText } from '../input-state.js';
import { step, type Step } from './actions.js';
import { send } from './input.js';
import { withHint } from './notes.js';
import type { AppState } from './state.js';

export interface OpenMenu {
  readonly matches: readonly CommandHelp[];
  readonly index: number;
}

/** A command name being typed: a slash and no space yet (`//` sends text that starts with a slash). */
const TYPING_NAME = /^\/([^\s/]*)$/;

/** Commands whose name starts with what was typed, then those that contain it; each alphabetical. */
export function matchCommands(commands: readonly CommandHelp[], typed: string): CommandHelp[] {
  const query = typed.toLowerCase();
  const byName = [...commands].sort((a, b) => a.name.localeCompare(b.name));
  const starts = byName.filter((c) => c.name.toLowerCase().startsWith(query));
  const contains = byName.filter((c) => !c.name.toLowerCase().startsWith(query) && c.name.includes(query));
  return [...starts, ...contains];
}

/** The menu on screen, or null: only in the input, with nothing else asking for the keys. */
export function openMenu(state: AppState): OpenMenu | null {
  if (state.focus !== 'input' || state.helpVisible || state.search !== null) return null;
  if (state.approvals.length > 0 || state.transcript !== null) return null;
  const typed = TYPING_NAME.exec(state.input.text)?.[1];
  if (typed === undefined) return null;
  const remembered = state.menu.text === state.input.text ? state.menu : null;
  if (remembered?.closed === true) return null;
  const matches = matchCommands(allCommands(state.facts.commands), typed);
  if (matches.length === 0) return null;
  return { matches, index: Math.min(remembered?.index ?? 0, matches.length - 1) };
}

/** A usage whose first word after the name is not in brackets needs it (`/session NAME`). */
export function needsArgument(command: CommandHelp): boolean {
  const first = command.usage.split(/\s+/)[1];
  return first !== undefined && !first.startsWith('[');
}

function choose(state: AppState, index: number): AppState {
  return { ...state, menu: { text: state.input.text, index, closed: false } };
}

/** The chosen command in the input, ready for its arguments. */
function completed(state: AppState, command: CommandHelp): Step {
  return step(withHint({ ...state, input: setText(state.input, `/${command.name} `) }, null));
}

/** Up / Down in the menu, round at either end; null when it is not open. */
export function menuMove(state: AppState, delta: 1 | -1): Step | null {
  const menu = openMenu(state);
  if (menu === null) return null;
  const count = menu.matches.length;
  return step(choose(state, (menu.index + delta + count) % count));
}

/** Tab: the chosen command into the input. */
export function menuComplete(state: AppState): Step | null {
  const chosen = chosenCommand(state);
  return chosen === null ? null : completed(state, chosen);
}

/** Enter: runs the chosen command, or puts one that needs an argument into the input. */
export function menuRun(state: AppState, now: number): Step | null {
  const chosen = chosenCommand(state);
  if (chosen === null) return null;
  if (needsArgument(chosen)) return completed(state, chosen);
  return send({ ...state, input: setText(state.input, `/${chosen.name}`) }, now);
}

/** Esc: closed until the text changes. */
export function menuClose(state: AppState): Step | null {
  const menu = openMenu(state);
  if (menu === null) return null;
  return step({ ...state, menu: { text: state.input.text, index: menu.index, closed: true } });
}

function chosenCommand(state: AppState): CommandHelp | null {
  const menu = openMenu(state);
  return menu === null ? null : (menu.matches[menu.index] ?? null);
}
