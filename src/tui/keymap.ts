/**
 * The one keymap table (docs/architecture.md "Keyboard"): the dispatcher reads it, and it draws the help screen and the
 * README's key list, so the three cannot disagree.
 */
import { seg, wrapLine, type StyledLine } from './text/styled.js';
import { fit } from './text/width.js';

export type Scope =
  'global' | 'outsideInput' | 'help' | 'menu' | 'approval' | 'input' | 'sessions' | 'conversation' | 'jobs';

export type ActionId =
  | 'focusNext'
  | 'focusPrev'
  | 'nextSession'
  | 'prevSession'
  | 'send'
  | 'newline'
  | 'complete'
  | 'editQueued'
  | 'historyPrev'
  | 'historyNext'
  | 'clearInput'
  | 'cancelTurn'
  | 'ctrlC'
  | 'pageUp'
  | 'pageDown'
  | 'scrollTop'
  | 'scrollBottom'
  | 'help'
  | 'toggleLastTool'
  | 'toggleReasoning'
  | 'cursorUp'
  | 'cursorDown'
  | 'activate'
  | 'approvalPrev'
  | 'approvalNext'
  | 'approvalConfirm'
  | 'cancelJob'
  | 'search'
  | 'toggleSidePanes'
  | 'toggleCosts'
  | 'helpLineUp'
  | 'helpLineDown'
  | 'helpPageUp'
  | 'helpPageDown'
  | 'helpTop'
  | 'helpBottom'
  | 'closeHelp'
  | 'menuUp'
  | 'menuDown'
  | 'menuComplete'
  | 'menuRun'
  | 'menuClose';

export interface KeyBinding {
  action: ActionId;
  /** neo-blessed key names (`C-n`, `S-tab`, `linefeed`, `?`). */
  keys: readonly string[];
  /** How the help screen and README write the keys. */
  label: string;
  scope: Scope;
  description: string;
}

/** Checked in order within a scope; a handler that declines passes the key on (Tab: complete, else focus). */
export const KEYMAP: readonly KeyBinding[] = [
  {
    scope: 'input',
    action: 'send',
    keys: ['enter'],
    label: 'Enter',
    description: 'send the message or run the /command (queued while a turn runs)',
  },
  {
    scope: 'input',
    action: 'newline',
    keys: ['linefeed'],
    label: 'Shift-Enter, Ctrl-J',
    description: 'new line in the input',
  },
  {
    scope: 'input',
    action: 'complete',
    keys: ['tab'],
    label: 'Tab',
    description: 'complete a /command (when the input starts with /)',
  },
  {
    scope: 'input',
    action: 'editQueued',
    keys: ['up'],
    label: 'Up',
    description: 'take back the last queued message to edit (input empty; Ctrl-U drops it)',
  },
  {
    scope: 'input',
    action: 'historyPrev',
    keys: ['up'],
    label: 'Up',
    description: 'previous input from history (on the first line)',
  },
  {
    scope: 'input',
    action: 'historyNext',
    keys: ['down'],
    label: 'Down',
    description: 'next input from history (on the last line)',
  },
  { scope: 'input', action: 'clearInput', keys: ['C-u'], label: 'Ctrl-U', description: 'clear the input' },
  { scope: 'global', action: 'focusNext', keys: ['tab'], label: 'Tab', description: 'focus the next pane' },
  {
    scope: 'global',
    action: 'focusPrev',
    keys: ['S-tab'],
    label: 'Shift-Tab',
    description: 'focus the previous pane',
  },
  {
    scope: 'global',
    action: 'nextSession',
    keys: ['C-n'],
    label: 'Ctrl-N',
    description: 'switch to the next session',
  },
  {
    scope: 'global',
    action: 'prevSession',
    keys: ['C-p'],
    label: 'Ctrl-P',
    description: 'switch to the previous session',
  },
  {
    scope: 'global',
    action: 'cancelTurn',
    keys: ['escape'],
    label: 'Esc',
    description: 'cancel the running turn (or close help)',
  },
  {
    scope: 'global',
    action: 'ctrlC',
    keys: ['C-c'],
    label: 'Ctrl-C',
    description: 'cancel the running turn; twice within 2 s quits',
  },
  {
    scope: 'global',
    action: 'pageUp',
    keys: ['pageup'],
    label: 'PageUp',
    description: 'scroll the conversation, or a job transcript shown over it, up',
  },
  {
    scope: 'global',
    action: 'pageDown',
    keys: ['pagedown'],
    label: 'PageDown',
    description: 'scroll the conversation, or a job transcript shown over it, down',
  },
  {
    scope: 'global',
    action: 'toggleLastTool',
    keys: ['C-o'],
    label: 'Ctrl-O',
    description: 'expand or collapse the latest tool call',
  },
  {
    scope: 'global',
    action: 'toggleReasoning',
    keys: ['C-r'],
    label: 'Ctrl-R',
    description: "show or hide the latest reply's reasoning",
  },
  { scope: 'global', action: 'help', keys: ['f1'], label: 'F1', description: 'show or hide this help' },
  {
    scope: 'global',
    action: 'search',
    keys: ['C-f'],
    label: 'Ctrl-F',
    description: 'search all sessions; Enter on a hit opens it there',
  },
  {
    scope: 'global',
    action: 'toggleSidePanes',
    keys: ['f2'],
    label: 'F2',
    description: 'show or hide the side panes (one summary line below 100 columns)',
  },
  {
    scope: 'global',
    action: 'toggleCosts',
    keys: ['f3'],
    label: 'F3',
    description: 'show or hide the tokens and cost of each reply in the conversation',
  },
  {
    scope: 'outsideInput',
    action: 'help',
    keys: ['?'],
    label: '?',
    description: 'show or hide this help (outside the input)',
  },
  {
    scope: 'sessions',
    action: 'cursorUp',
    keys: ['up', 'k'],
    label: 'Up, k',
    description: 'move in the session list',
  },
  {
    scope: 'sessions',
    action: 'cursorDown',
    keys: ['down', 'j'],
    label: 'Down, j',
    description: 'move in the session list',
  },
  {
    scope: 'sessions',
    action: 'activate',
    keys: ['enter'],
    label: 'Enter',
    description: 'open the session under the cursor',
  },
  {
    scope: 'sessions',
    action: 'search',
    keys: ['/'],
    label: '/',
    description: 'search all sessions (as Ctrl-F)',
  },
  {
    scope: 'conversation',
    action: 'cursorUp',
    keys: ['up', 'k'],
    label: 'Up, k',
    description: 'select the previous tool call, reasoning or note',
  },
  {
    scope: 'conversation',
    action: 'cursorDown',
    keys: ['down', 'j'],
    label: 'Down, j',
    description: 'select the next tool call, reasoning or note',
  },
  {
    scope: 'conversation',
    action: 'activate',
    keys: ['enter', 'space'],
    label: 'Enter, Space',
    description: 'expand or collapse the selected tool call or reasoning',
  },
  {
    scope: 'conversation',
    action: 'scrollTop',
    keys: ['home', 'g'],
    label: 'Home, g',
    description: 'go to the start of the history',
  },
  {
    scope: 'conversation',
    action: 'scrollBottom',
    keys: ['end', 'S-g'],
    label: 'End, G',
    description: 'go to the newest message',
  },
  { scope: 'help', action: 'helpLineUp', keys: ['up', 'k'], label: 'Up, k', description: 'scroll up a line' },
  {
    scope: 'help',
    action: 'helpLineDown',
    keys: ['down', 'j'],
    label: 'Down, j',
    description: 'scroll down a line',
  },
  { scope: 'help', action: 'helpPageUp', keys: ['pageup'], label: 'PageUp', description: 'scroll up a page' },
  {
    scope: 'help',
    action: 'helpPageDown',
    keys: ['pagedown', 'space'],
    label: 'PageDown, Space',
    description: 'scroll down a page',
  },
  { scope: 'help', action: 'helpTop', keys: ['home', 'g'], label: 'Home, g', description: 'go to the top' },
  {
    scope: 'help',
    action: 'helpBottom',
    keys: ['end', 'S-g'],
    label: 'End, G',
    description: 'go to the end',
  },
  {
    scope: 'help',
    action: 'closeHelp',
    keys: ['escape', 'q', '?'],
    label: 'Esc, q, ?',
    description: 'close the help (F1 too)',
  },
  {
    scope: 'menu',
    action: 'menuUp',
    keys: ['up'],
    label: 'Up',
    description: 'choose the command above',
  },
  {
    scope: 'menu',
    action: 'menuDown',
    keys: ['down'],
    label: 'Down',
    description: 'choose the command below',
  },
  {
    scope: 'menu',
    action: 'menuComplete',
    keys: ['tab'],
    label: 'Tab',
    description: 'put the chosen command in the input, to add its arguments',
  },
  {
    scope: 'menu',
    action: 'menuRun',
    keys: ['enter'],
    label: 'Enter',
    description: 'run the chosen command (one that needs an argument is put in the input)',
  },
  {
    scope: 'menu',
    action: 'menuClose',
    keys: ['escape'],
    label: 'Esc',
    description: 'close the list (typing on filters it again)',
  },
  {
    scope: 'approval',
    action: 'approvalPrev',
    keys: ['left'],
    label: 'Left',
    description: 'choose the answer on the left',
  },
  {
    scope: 'approval',
    action: 'approvalNext',
    keys: ['right'],
    label: 'Right',
    description: 'choose the answer on the right',
  },
  {
    scope: 'approval',
    action: 'approvalConfirm',
    keys: ['enter'],
    label: 'Enter',
    description: 'give the chosen answer (typed text and pastes never answer)',
  },
  { scope: 'jobs', action: 'cursorUp', keys: ['up', 'k'], label: 'Up, k', description: 'select a job' },
  { scope: 'jobs', action: 'cursorDown', keys: ['down', 'j'], label: 'Down, j', description: 'select a job' },
  {
    scope: 'jobs',
    action: 'activate',
    keys: ['enter'],
    label: 'Enter',
    description: "show the selected job's transcript or output (Esc closes it)",
  },
  {
    scope: 'jobs',
    action: 'cancelJob',
    keys: ['x'],
    label: 'x',
    description: 'cancel the selected job',
  },
];

const SCOPE_TITLE: Record<Scope, string> = {
  global: 'Anywhere',
  outsideInput: 'Outside the input',
  help: 'While this help is shown',
  menu: 'In the list of commands (type / in the input)',
  approval: 'While a question is asked (a tool call to approve, a spending limit reached)',
  input: 'In the input',
  sessions: 'In the Sessions pane',
  conversation: 'In the Conversation pane',
  jobs: 'In the Jobs pane',
};

const SCOPE_ORDER: readonly Scope[] = [
  'global',
  'outsideInput',
  'help',
  'menu',
  'approval',
  'input',
  'sessions',
  'conversation',
  'jobs',
];

/**
 * The bindings that may take `key` with `focus` focused, in the order to try them; while a question
 * waits (`asking`), its answers come first.
 */
export function candidates(
  key: string,
  focus: Exclude<Scope, 'global' | 'outsideInput' | 'help' | 'menu' | 'approval'> | 'context',
  asking = false,
): KeyBinding[] {
  const scopes: Scope[] = asking ? ['approval'] : [];
  if (focus !== 'context') scopes.push(focus);
  if (focus !== 'input') scopes.push('outsideInput');
  scopes.push('global');
  return scopes.flatMap((scope) => KEYMAP.filter((b) => b.scope === scope && b.keys.includes(key)));
}

/** How the help writes the first key bound to `action` ("" when none is): for hints on screen. */
export function keyLabel(action: ActionId): string {
  return KEYMAP.find((b) => b.action === action)?.label ?? '';
}

/** The bindings of one scope for `key`, in the table's order. */
export function scopeBindings(scope: Scope, key: string): KeyBinding[] {
  return KEYMAP.filter((b) => b.scope === scope && b.keys.includes(key));
}

/** The help screen's key part, drawn from the table (view/help-view.ts adds the commands). */
export function helpLines(width: number): StyledLine[] {
  const keyWidth = Math.max(...KEYMAP.map((b) => b.label.length)) + 2;
  const lines: StyledLine[] = [];
  for (const scope of SCOPE_ORDER) {
    lines.push([seg(SCOPE_TITLE[scope], 'heading')]);
    for (const b of KEYMAP.filter((k) => k.scope === scope)) {
      // Wrapped under itself: at 80 columns three descriptions were cut ("a job transcript shown…").
      lines.push(
        ...wrapLine([seg(b.description)], width, {
          first: [seg(fit(`  ${b.label}`, keyWidth + 2), 'statusKey')],
        }),
      );
    }
    lines.push([]);
  }
  return lines;
}

/** A markdown table laid out the way prettier writes it, so the README stays prettier-clean. */
function markdownTable(
  header: readonly [string, string],
  rows: ReadonlyArray<readonly [string, string]>,
): string[] {
  const cells = [header, ...rows].map(
    ([a, b]) => [a.replace(/\|/g, '\\|'), b.replace(/\|/g, '\\|')] as const,
  );
  const wa = Math.max(3, ...cells.map(([a]) => a.length));
  const wb = Math.max(3, ...cells.map(([, b]) => b.length));
  const row = ([a, b]: readonly [string, string]): string => `| ${a.padEnd(wa)} | ${b.padEnd(wb)} |`;
  const [head, ...body] = cells;
  return [row(head ?? header), `| ${'-'.repeat(wa)} | ${'-'.repeat(wb)} |`, ...body.map(row)];
}

/** The README's key list (a markdown table per scope), generated by scripts/keys-md.ts. */
export function keysMarkdown(): string {
  const out: string[] = [];
  for (const scope of SCOPE_ORDER) {
    const rows = KEYMAP.filter((k) => k.scope === scope).map((b) => [b.label, b.description] as const);
    out.push(`**${SCOPE_TITLE[scope]}**`, '', ...markdownTable(['Key', 'Action'], rows), '');
  }
  return out.join('\n').trimEnd();
}
