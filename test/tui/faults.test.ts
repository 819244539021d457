/* eslint-disable no-control-regex -- these tests look for terminal control bytes on purpose */
/** docs/faults.md rows 20, 21, 23 and 24 at the screen level. */
import { describe, expect, it } from 'vitest';
import { FakeWorkspace, summary } from './support/fake-workspace.js';
import { KEY, useHeadless, type Headless } from './support/headless.js';
import { msg } from './support/records.js';
import { hugeOutputWorkspace } from './support/fixture.js';

const openScreen = useHeadless();
const open = (ws: FakeWorkspace, width = 120, height = 40): Promise<Headless> =>
  openScreen(ws, { width, height });

/** Escape payloads a hostile model, tool or file might carry; their markers must never reach the terminal. */
const HOSTILE =
  'A\u001b]52;c;cHduZWQ=\u0007B\u001b]0;pwned\u0007C\u001bP1$rpwned\u001b\\D\u009b31mE\u001b[2JF\u202eG\rH\u001b]8;;http://evil\u0007I';
const MARKERS = [']52;', ']0;pwned', 'P1$rpwned', '\u009b', '\u202e', ']8;;http://evil'];

function contentCells(s: Headless): string {
  return s.tui.screen.lines.map((row) => row.map((cell) => cell[1]).join('')).join('\n');
}

describe('row 20: escape sequences in untrusted text', () => {
  it('draws hostile model text, tool output, session names and previews harmlessly', async () => {
    const ws = new FakeWorkspace();
    ws.add(summary({ id: 'h', name: `evil${HOSTILE}`, title: HOSTILE, lastPreview: HOSTILE, order: 2 }), [
      msg('user', `user says ${HOSTILE}`),
      msg('assistant', `# Head ${HOSTILE}\n- item ${HOSTILE}`, {
        model: `m${HOSTILE}`,
        toolCalls: [
          { id: 'c', name: `tool${HOSTILE}`, arguments: JSON.stringify({ a: HOSTILE }) },
          { id: 'd', name: 'raw', arguments: HOSTILE },
        ],
      }),
      msg('tool', `out ${HOSTILE}`, { toolCallId: 'c' }),
      msg('tool', `more ${HOSTILE}`, { toolCallId: 'd' }),
    ]);
    const s = await open(ws);
    await s.press(
      KEY.tab,
      KEY.tab,
      KEY.up,
      KEY.enter,
      KEY.up,
      KEY.enter,
      KEY.shiftTab,
      KEY.shiftTab,
      ...'/list'.split(''),
      KEY.enter,
      ...'streamed'.split(''),
      KEY.enter,
    );
    ws.handle('h').stream(`live ${HOSTILE}`);
    await s.flush();
    const cells = contentCells(s);
    expect(cells).toContain('ABCDEFGHI');
    expect(cells).not.toMatch(/[\u001b\u0080-\u009f\u202a-\u202e\u2066-\u2069]/);
    const bytes = s.output.bytes();
    for (const marker of MARKERS) expect(bytes).not.toContain(marker);
    expect(bytes).not.toMatch(/[\u0080-\u009f]/);
  });
});

describe('row 21: a 10 MB tool output', () => {
  it('is capped on screen with the cap stated, and keys still reach the input', async () => {
    const { ws, huge } = hugeOutputWorkspace();
    const s = await open(ws);
    expect(s.text()).toMatch(/cat path: huge\.log → 1\dM chars/);
    await s.press(KEY.ctrlO);
    expect(s.text()).toContain(
      `showing the first 20,000 of ${huge.length.toLocaleString('en-US')} characters`,
    );
    // How long a key takes beside it is measured by bench/tui-huge-output.ts, not here.
    await s.press('x');
    s.tui.controller.renderNow();
    expect(s.rows().some((r) => r.includes('› x'))).toBe(true);
    expect(s.text()).toContain('showing the first 20,000 of');
  });
});

describe('row 23: resizing', () => {
  it('shows a notice at 20x5, keeps streaming, and returns to the panes when enlarged', async () => {
    const ws = new FakeWorkspace();
    ws.add(summary({ id: 'r', name: 'resize', order: 1 }));
    const s = await open(ws);
    await s.press(...'go'.split(''), KEY.enter);
    ws.handle('r').stream('first part ');
    s.output.resize(20, 5);
    await s.flush();
    expect(s.text()).toContain('Terminal too');
    expect(s.text()).not.toContain('Sessions');
    ws.handle('r').stream('second part');
    await s.flush();
    s.output.resize(59, 14);
    await s.flush();
    expect(s.text()).toContain('Terminal too small (59x14)');
    s.output.resize(120, 40);
    await s.flush();
    expect(s.text()).toContain('Sessions');
    expect(s.text()).toContain('first part second part');
    ws.handle('r').finish();
    await s.flush();
    expect(s.text()).toContain('  first part second part');
  });
});

describe('row 24: Esc and Ctrl-C while streaming', () => {
  async function streaming(): Promise<{ s: Headless; ws: FakeWorkspace }> {
    const ws = new FakeWorkspace();
    ws.add(summary({ id: 'i', name: 'interrupt-me', order: 1 }));
    const s = await open(ws);
    await s.press(...'talk'.split(''), KEY.enter);
    ws.handle('i').stream('half a rep');
    await s.flush();
    return { s, ws };
  }

  it('Esc cancels the turn; the partial reply stays, marked interrupted', async () => {
    const { s, ws } = await streaming();
    await s.press(KEY.esc);
    expect(ws.handle('i').interrupts).toBe(1);
    expect(s.text()).toContain('◆ Assistant · interrupted');
    expect(s.text()).toContain('  half a rep');
    expect(s.text()).toContain('Turn cancelled; the partial reply is kept, marked interrupted.');
  });

  it('Ctrl-C once cancels the turn and warns; twice quits and restores the terminal', async () => {
    const { s, ws } = await streaming();
    await s.press(KEY.ctrlC);
    expect(ws.handle('i').interrupts).toBe(1);
    expect(s.text()).toContain('turn cancelled; press Ctrl-C again to quit');
    const before = s.output.bytes().length;
    await s.press(KEY.ctrlC);
    await expect(s.tui.exited).resolves.toBe(0);
    const tail = s.output.bytes().slice(before);
    expect(tail).toContain('\u001b[?1049l');
    expect(tail).toContain('\u001b[?25h');
    expect(tail).toContain('\u001b[?1000l');
  });

  it('Ctrl-C with no turn running warns first and does not quit', async () => {
    const ws = new FakeWorkspace();
    ws.add(summary({ id: 'q', name: 'quiet', order: 1 }));
    const s = await open(ws);
    await s.press(KEY.ctrlC);
    expect(s.text()).toContain('press Ctrl-C again to quit');
    expect(ws.handle('q').interrupts).toBe(0);
  });
});

describe('the terminal is restored', () => {
  it('when starting fails: the error propagates after the screen is left', async () => {
    const ws = new FakeWorkspace();
    ws.jobs.list = () => {
      throw new Error('jobs unreadable');
    };
    const output = new (await import('./support/headless.js')).FakeOutput(120, 40);
    const { PassThrough } = await import('node:stream');
    const { startTui } = await import('../../src/tui/index.js');
    const input = Object.assign(new PassThrough(), { isTTY: true, setRawMode: () => undefined });
    await expect(startTui(ws, { input, output, noColor: false, logFile: '/dev/null' })).rejects.toThrow(
      'jobs unreadable',
    );
    await new Promise((resolve) => process.nextTick(resolve));
    expect(output.bytes()).toContain('\u001b[?1049l');
    expect(output.bytes().lastIndexOf('\u001b[?25h')).toBeGreaterThan(
      output.bytes().lastIndexOf('\u001b[?1049h'),
    );
  });

  it('when the session list cannot be read: the workspace opens and says why', async () => {
    const ws = new FakeWorkspace();
    ws.sessions.list = () => Promise.reject(new Error('index unreadable'));
    const s = await open(ws);
    expect(s.text()).toContain('Reading the session list: index unreadable');
  });

  it('on SIGTERM: the handler runTui installed leaves the screen and ends with 143, then is removed', async () => {
    const ws = new FakeWorkspace();
    ws.add(summary({ id: 's', name: 'sig', order: 1 }));
    const before = new Set(process.listeners('SIGTERM'));
    const s = await open(ws);
    const added = process.listeners('SIGTERM').filter((l) => !before.has(l));
    expect(added).toHaveLength(1);
    added[0]?.('SIGTERM');
    await expect(s.tui.exited).resolves.toBe(143);
    expect(s.output.bytes()).toContain('\u001b[?1049l');
    expect(process.listeners('SIGTERM').filter((l) => !before.has(l))).toEqual([]);
    expect(process.listeners('uncaughtException').some((l) => l.toString().includes('screen.destroy'))).toBe(
      false,
    );
  });

  it('when drawing throws (a bug): the screen is left and the error ends the workspace', async () => {
    const ws = new FakeWorkspace();
    ws.add(summary({ id: 'b', name: 'bug', order: 1 }));
    const s = await open(ws);
    s.tui.controller.deps.view.paint = () => {
      throw new Error('a bug in drawing');
    };
    await s.press('x');
    await expect(s.tui.exited).rejects.toThrow('a bug in drawing');
    expect(s.output.bytes()).toContain('\u001b[?1049l');
  });
});
