import { afterEach, describe, expect, it, vi } from 'vitest';
import { RenderScheduler } from '../../src/tui/blessed.js';
import { completeCommand, parseInput } from '../../src/tui/commands.js';
import * as edit from '../../src/tui/input-state.js';
import { candidates, helpLines, KEYMAP, keysMarkdown } from '../../src/tui/keymap.js';
import {
  COLLAPSE_BELOW,
  computeLayout,
  MIN_HEIGHT,
  MIN_WIDTH,
  paneAt,
  panesShown,
} from '../../src/tui/layout.js';
import { lineText } from '../../src/tui/text/styled.js';

describe('keymap', () => {
  it('has the keys of docs/architecture.md "Keyboard"', () => {
    const bound = (action: string): string[] =>
      KEYMAP.filter((b) => b.action === action).flatMap((b) => b.keys);
    expect(bound('focusNext')).toEqual(['tab']);
    expect(bound('focusPrev')).toEqual(['S-tab']);
    expect(bound('nextSession')).toEqual(['C-n']);
    expect(bound('prevSession')).toEqual(['C-p']);
    expect(bound('send')).toEqual(['enter']);
    expect(bound('newline')).toEqual(['linefeed']);
    expect(bound('cancelTurn')).toEqual(['escape']);
    expect(bound('pageUp')).toEqual(['pageup']);
    expect(bound('pageDown')).toEqual(['pagedown']);
    expect(bound('help')).toEqual(['f1', '?']);
    expect(bound('ctrlC')).toEqual(['C-c']);
  });

  it('tries the focused pane first, then outside-input keys, then global ones', () => {
    expect(candidates('tab', 'input').map((b) => b.action)).toEqual(['complete', 'focusNext']);
    expect(candidates('?', 'input')).toEqual([]);
    expect(candidates('?', 'conversation').map((b) => b.action)).toEqual(['help']);
    expect(candidates('enter', 'sessions').map((b) => b.action)).toEqual(['activate']);
  });

  it('draws every binding on the help screen', () => {
    const help = helpLines(100).map(lineText).join('\n');
    for (const b of KEYMAP) expect(help).toContain(`${b.label}`);
    for (const b of KEYMAP) expect(help).toContain(b.description);
  });

  it('writes the README key list from the same table', () => {
    const md = keysMarkdown();
    expect(md).toMatch(/^\| Ctrl-N +\| switch to the next session +\|$/m);
    expect(md.match(/^\| (?!Key |---)/gm)).toHaveLength(KEYMAP.length);
  });
});

describe('input editing', () => {
  const typed = (text: string): edit.InputState => edit.insert(edit.emptyInput(), text);

  it('inserts, deletes and moves by code point (emoji are one step)', () => {
    let s = typed('a😀b');
    s = edit.moveLeft(s);
    s = edit.backspace(s);
    expect(s.text).toBe('ab');
    expect(s.cursor).toBe(1);
    expect(edit.deleteForward(s).text).toBe('a');
  });

  it('walks history with Up/Down and comes back to the draft', () => {
    let s = edit.emptyInput(['first', 'second']);
    s = edit.insert(s, 'draft');
    s = edit.historyPrev(s);
    expect(s.text).toBe('second');
    s = edit.historyPrev(s);
    expect(s.text).toBe('first');
    s = edit.historyNext(edit.historyNext(s));
    expect(s.text).toBe('draft');
  });

  it('remembers sent text, once, and starts empty', () => {
    const { text, state } = edit.submit(edit.insert(edit.emptyInput(['x']), 'hello'));
    expect(text).toBe('hello');
    expect(state.text).toBe('');
    expect(state.history).toEqual(['x', 'hello']);
    expect(edit.submit(edit.insert(state, 'hello')).state.history).toEqual(['x', 'hello']);
  });

  it('draws multi-line input with a cursor cell, scrolled to the cursor', () => {
    const s = typed('one\ntwo\nthree');
    const lines = edit.inputLines(s, 20, 2, true, '');
    expect(lines.map(lineText)).toEqual(['  two', '  three ']);
    expect(lines[1]?.at(-1)).toEqual({ text: ' ', style: 'cursor' });
    expect(edit.inputLines(edit.emptyInput(), 20, 1, false, 'Type here').map(lineText)).toEqual([
      '› Type here',
    ]);
  });
});

describe('slash commands', () => {
  it('tells prompts, TUI commands and core commands apart', () => {
    expect(parseInput('hello /x')).toEqual({ kind: 'prompt', text: 'hello /x' });
    expect(parseInput('  ')).toEqual({ kind: 'empty' });
    expect(parseInput('/new second')).toEqual({ kind: 'tui', name: 'new', args: 'second' });
    expect(parseInput('/model openai:gpt-4o')).toEqual({ kind: 'core', line: '/model openai:gpt-4o' });
    expect(parseInput('/nonsense')).toEqual({ kind: 'core', line: '/nonsense' });
    expect(parseInput('//not a command')).toEqual({ kind: 'prompt', text: '/not a command' });
    expect(parseInput('/usr/bin is on my PATH?')).toEqual({
      kind: 'prompt',
      text: '/usr/bin is on my PATH?',
    });
    expect(parseInput('/ is the root')).toEqual({ kind: 'prompt', text: '/ is the root' });
  });

  it('completes a unique command and offers the choices of an ambiguous one', () => {
    const names = ['help', 'list', 'new', 'model', 'rename'];
    expect(completeCommand('/mo', names)).toEqual({ text: '/model ', choices: ['model'] });
    expect(completeCommand('/re', names).text).toBe('/rename ');
    expect(completeCommand('/', names).choices).toHaveLength(5);
    expect(completeCommand('/zz', names)).toEqual({ text: null, choices: [] });
    expect(completeCommand('plain', names)).toEqual({ text: null, choices: [] });
  });
});

describe('layout', () => {
  it('places four panes, the input and the status bar without overlap at 120x40', () => {
    const layout = computeLayout(120, 40, 1);
    if (layout.kind !== 'panes') throw new Error('expected panes');
    expect(layout.sessions.left + layout.sessions.width).toBe(layout.conversation.left);
    expect(layout.conversation.left + layout.conversation.width).toBe(layout.context.left);
    expect(layout.context.left + layout.context.width).toBe(120);
    expect(layout.context.height + layout.jobs.height).toBe(layout.sessions.height);
    expect(layout.input.top + layout.input.height).toBe(39);
    expect(layout.status).toEqual({ top: 39, left: 0, width: 120, height: 1 });
    expect(paneAt(layout, 5, 5)).toBe('sessions');
    expect(paneAt(layout, 60, 5)).toBe('conversation');
    expect(paneAt(layout, 110, 36)).toBe('input');
  });

  it('grows the input with its text, up to a limit', () => {
    const tall = computeLayout(120, 40, 50);
    const short = computeLayout(120, 40, 1);
    if (tall.kind !== 'panes' || short.kind !== 'panes') throw new Error('expected panes');
    expect(tall.input.height).toBe(8);
    expect(short.input.height).toBe(3);
  });

  it('collapses the side panes below 100 columns, unless they are asked for; hides them on request', () => {
    const narrow = computeLayout(80, 24, 1);
    if (narrow.kind !== 'panes') throw new Error('expected panes');
    expect(narrow.summary).toEqual({ top: 0, left: 0, width: 80, height: 1 });
    expect(narrow.conversation).toEqual({ top: 1, left: 0, width: 80, height: 19 });
    expect([narrow.sessions.width, narrow.context.width, narrow.jobs.width]).toEqual([0, 0, 0]);
    expect(paneAt(narrow, 0, 5)).toBe('conversation');
    expect(panesShown(narrow)).toEqual(['input', 'conversation']);

    const shown = computeLayout(80, 24, 1, 'shown');
    if (shown.kind !== 'panes') throw new Error('expected panes');
    expect(shown.summary).toBeNull();
    expect(shown.conversation.width).toBe(80 - 20 - 24);

    const wide = computeLayout(120, 40, 1, 'collapsed');
    if (wide.kind !== 'panes') throw new Error('expected panes');
    expect(wide.conversation.width).toBe(120);
    expect(computeLayout(COLLAPSE_BELOW, 40, 1)).toMatchObject({ summary: null });
  });

  it('gives a notice below the minimum size', () => {
    expect(computeLayout(MIN_WIDTH - 1, 40, 1).kind).toBe('tooSmall');
    expect(computeLayout(120, MIN_HEIGHT - 1, 1).kind).toBe('tooSmall');
    expect(computeLayout(MIN_WIDTH, MIN_HEIGHT, 1).kind).toBe('panes');
  });
});

describe('render scheduler', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('coalesces requests into at most one render per frame, and draws keystrokes at once', () => {
    vi.useFakeTimers();
    let now = 0;
    let renders = 0;
    const scheduler = new RenderScheduler(
      () => renders++,
      () => now,
      16,
    );
    for (let i = 0; i < 50; i++) scheduler.request();
    vi.advanceTimersByTime(0);
    expect(renders).toBe(1);
    for (let i = 0; i < 50; i++) scheduler.request();
    now = 5;
    vi.advanceTimersByTime(5);
    expect(renders).toBe(1);
    now = 16;
    vi.advanceTimersByTime(11);
    expect(renders).toBe(2);
    for (let i = 0; i < 5; i++) scheduler.request();
    now = 20;
    scheduler.request({ urgent: true });
    scheduler.request({ urgent: true });
    vi.advanceTimersByTime(0);
    expect(renders).toBe(3);
    scheduler.dispose();
    scheduler.request();
    vi.advanceTimersByTime(100);
    expect(renders).toBe(3);
  });

  it('spaces frames out after a slow render, but not what the user typed', () => {
    vi.useFakeTimers();
    let now = 0;
    let renders = 0;
    // Each render takes 10 ms: the next frame comes 40 ms after the last began, not 16.
    const scheduler = new RenderScheduler(
      () => {
        renders++;
        now += 10;
      },
      () => now,
      16,
    );
    scheduler.request();
    vi.advanceTimersByTime(0);
    expect(renders).toBe(1);
    scheduler.request();
    now = 30;
    vi.advanceTimersByTime(20);
    expect(renders).toBe(1);
    now = 40;
    vi.advanceTimersByTime(10);
    expect(renders).toBe(2);
    scheduler.request({ urgent: true });
    vi.advanceTimersByTime(0);
    expect(renders).toBe(3);
    scheduler.dispose();
  });
});
