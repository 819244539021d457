/** Bracketed paste: a paste lands in the input whole, as lines, never sends and never answers a question. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PASTE_END, PASTE_START, PasteParser, partialMarker } from '../../src/tui/input-filter.js';
import * as edit from '../../src/tui/input-state.js';
import { lineText } from '../../src/tui/text/styled.js';
import { fixtureWorkspace } from './support/fixture.js';
import { KEY, useHeadless, type Headless } from './support/headless.js';
import type { FakeWorkspace } from './support/fake-workspace.js';

let ws: FakeWorkspace;
const openScreen = useHeadless();

function open(width = 120, height = 40): Promise<Headless> {
  ws = fixtureWorkspace();
  return openScreen(ws, { width, height });
}

afterEach(() => {
  vi.useRealTimers();
});

/** What a terminal sends for a paste: the text between the markers, its newlines as CR. */
const bracketed = (text: string): string => `${PASTE_START}${text.replace(/\n/g, '\r')}${PASTE_END}`;

const lines = (n: number): string => Array.from({ length: n }, (_, i) => `line ${i + 1}`).join('\n');

function parse(...chunks: string[]): Array<['keys' | 'paste', string]> {
  const out: Array<['keys' | 'paste', string]> = [];
  const parser = new PasteParser(
    (keys) => out.push(['keys', keys]),
    (text) => out.push(['paste', text]),
  );
  for (const chunk of chunks) parser.feed(chunk);
  parser.dispose();
  return out;
}

describe('the paste parser', () => {
  it('takes a paste out of the keys whole, keeping its place among them', () => {
    expect(parse(`ab${bracketed('x\ny')}cd`)).toEqual([
      ['keys', 'ab'],
      ['paste', 'x\ry'],
      ['keys', 'cd'],
    ]);
  });

  it('joins a paste and its markers split over many reads', () => {
    const whole = bracketed(lines(300));
    const chunks = [];
    for (let i = 0; i < whole.length; i += 7) chunks.push(whole.slice(i, i + 7));
    expect(parse(...chunks)).toEqual([['paste', lines(300).replace(/\n/g, '\r')]]);
  });

  it('passes a lone Escape at the end of a read on at once (it is the Esc key)', () => {
    expect(parse('\u001b')).toEqual([['keys', '\u001b']]);
    expect(partialMarker('abc\u001b[20', PASTE_START)).toBe(4);
    expect(partialMarker('abc\u001b[21', PASTE_START)).toBe(0);
  });

  it('lets a half marker that never goes on through as keys, and ends a paste that never ends', () => {
    vi.useFakeTimers();
    const out: string[] = [];
    const parser = new PasteParser(
      (keys) => out.push(`keys:${keys}`),
      (text) => out.push(`paste:${text}`),
    );
    parser.feed('a\u001b[2');
    expect(out).toEqual(['keys:a']);
    vi.advanceTimersByTime(100);
    expect(out).toEqual(['keys:a', 'keys:\u001b[2']);
    parser.feed(`${PASTE_START}half a paste`);
    vi.advanceTimersByTime(500);
    parser.feed(' more');
    vi.advanceTimersByTime(999);
    expect(out).toHaveLength(2);
    vi.advanceTimersByTime(1);
    expect(out.at(-1)).toBe('paste:half a paste more');
    parser.feed('z');
    expect(out.at(-1)).toBe('keys:z');
    parser.dispose();
  });
});

describe('folded pastes in the input', () => {
  it('shows a large paste as one label, sends it whole, and deletes it as one character', () => {
    let s = edit.insert(edit.emptyInput(), 'see: ');
    s = edit.insertPaste(s, lines(300));
    s = edit.insert(s, ' thanks');
    const drawn = edit.inputLines(s, 60, 6, false, '').map(lineText).join('\n');
    expect(drawn).toBe('› see: [pasted 300 lines] thanks');
    expect(edit.expandedText(s)).toBe(`see: ${lines(300)} thanks`);
    const sent = edit.submit(s);
    expect(sent.text).toBe(`see: ${lines(300)} thanks`);
    expect(edit.expandedText(edit.backspace({ ...s, cursor: 6 }))).toBe('see:  thanks');
  });

  it('keeps a small paste as lines, and a typed placeholder character cannot pose as a paste', () => {
    const s = edit.insertPaste(edit.emptyInput(), 'one\ntwo\nthree');
    expect(s.text).toBe('one\ntwo\nthree');
    const forged = edit.insertPaste(edit.insertPaste(edit.emptyInput(), lines(20)), '\ue000');
    expect(edit.expandedText(forged)).toBe(`${lines(20)}\ufffd`);
    expect(edit.pasteLabel('x'.repeat(5000))).toBe('[pasted 5,000 characters]');
  });

  it('folds a large entry brought back from history', () => {
    const sent = edit.submit(edit.insertPaste(edit.emptyInput(), lines(50))).state;
    const back = edit.historyPrev(sent);
    expect(edit.inputLines(back, 60, 6, false, '').map(lineText)).toEqual(['› [pasted 50 lines]']);
    expect(edit.expandedText(back)).toBe(lines(50));
  });
});

describe('pasting into the workspace', () => {
  it('turns bracketed paste mode on, and off again when it quits', async () => {
    const s = await open();
    expect(s.output.bytes()).toContain('\u001b[?2004h');
    expect(s.output.bytes()).not.toContain('\u001b[?2004l');
    s.tui.controller.onExit(0);
    await s.tui.exited;
    const bytes = s.output.bytes();
    expect(bytes.lastIndexOf('\u001b[?2004l')).toBeGreaterThan(bytes.lastIndexOf('\u001b[?2004h'));
  });

  it('puts 300 pasted lines in the input folded, sends nothing, and sends them whole on Enter', async () => {
    const s = await open();
    await s.press(...'Here:'.split(''), bracketed(lines(300)));
    expect(ws.handle('a').isBusy()).toBe(false);
    expect(s.text()).toContain('› Here:[pasted 300 lines]');
    expect(s.text()).not.toContain('line 1');
    await s.press(KEY.enter);
    const sent = ws.handle('a').records().at(-1);
    expect(sent).toMatchObject({ role: 'user', content: `Here:${lines(300)}` });
  });

  it('keeps a few pasted lines as lines in the input, without sending', async () => {
    const s = await open();
    await s.press(bracketed('first\nsecond\nthird'));
    expect(s.tui.controller.state.input.text).toBe('first\nsecond\nthird');
    expect(ws.handle('a').records()).toHaveLength(4);
    expect(s.text()).toMatch(/› first[\s\S]*│ {2}second[\s\S]*│ {2}third/);
  });

  it('never answers a question on screen: the paste stays in the input (docs/faults.md row 33)', async () => {
    const s = await open();
    ws.bus.emit('approval.requested', {
      sessionId: 'a',
      requestId: 'r1',
      kind: 'tool',
      tool: 'write_file',
      summary: 'create out.txt',
      detail: '',
    });
    await s.flush();
    expect(s.text()).toContain('A tool call needs your approval');
    await s.press(bracketed('y\na\nn\n'));
    expect(ws.answers).toEqual([]);
    expect(s.text()).toContain('A tool call needs your approval');
    expect(s.tui.controller.state.input.text).toBe('y\na\nn\n');
  });
});
