/* eslint-disable no-control-regex -- these tests look for terminal control bytes on purpose */
import { describe, expect, it } from 'vitest';
import { APPROVAL_GUARD_MS } from '../../src/tui/app/approvals.js';
import { FIXED_NOW, summary } from './support/fake-workspace.js';
import { fixtureWorkspace } from './support/fixture.js';
import { history } from './support/records.js';
import { KEY, useHeadless, type Headless } from './support/headless.js';

const openScreen = useHeadless();

function open(width: number, height: number, options = {}): Promise<Headless> {
  return openScreen(fixtureWorkspace(), { width, height }, options);
}

describe('the workspace on a headless screen', () => {
  it('draws the four panes, the input and the status bar at 120x40', async () => {
    const s = await open(120, 40);
    await expect(s.text()).toMatchFileSnapshot('__snapshots__/workspace-120x40.txt');
  });

  it('draws the same workspace at 80x24', async () => {
    const s = await open(80, 24);
    await expect(s.text()).toMatchFileSnapshot('__snapshots__/workspace-80x24.txt');
  });

  it('cycles focus with Tab and Shift-Tab (the focused pane draws its border in the focus colour)', async () => {
    const s = await open(120, 40);
    expect(s.tui.controller.state.focus).toBe('input');
    await s.press(KEY.tab);
    expect(s.tui.controller.state.focus).toBe('sessions');
    await s.press(KEY.tab, KEY.tab);
    expect(s.tui.controller.state.focus).toBe('context');
    await s.press(KEY.shiftTab, KEY.shiftTab, KEY.shiftTab);
    expect(s.tui.controller.state.focus).toBe('input');
  });

  it('switches sessions with Ctrl-N and Ctrl-P, in the order the list shows', async () => {
    const s = await open(120, 40);
    expect(s.rows()[0]).toContain('Conversation — auth-refactor');
    await s.press(KEY.ctrlN);
    expect(s.rows()[0]).toContain('Conversation — bugfix-login-timeout');
    expect(s.text()).toMatch(/│▶ {2}bugfix-login-tim/);
    await s.press(KEY.ctrlN);
    expect(s.rows()[0]).toContain('Conversation — docs-pass');
    await s.press(KEY.ctrlP, KEY.ctrlP);
    expect(s.rows()[0]).toContain('Conversation — auth-refactor');
  });

  it('sends the input with Enter and shows the reply as it streams', async () => {
    const s = await open(120, 40);
    await s.press('h', 'e', 'l', 'l', 'o', KEY.enter);
    const handle = s.tui.controller.handles.get('a');
    expect(handle?.isBusy()).toBe(true);
    const ws = s.tui.controller.ws as unknown as ReturnType<typeof fixtureWorkspace>;
    ws.handle('a').stream('Hi **there**');
    await s.flush();
    expect(s.text()).toContain('◆ Assistant · streaming…');
    expect(s.text()).toContain('  Hi there');
    expect(s.text()).toMatch(/│▶⟳ auth-refactor/);
    ws.handle('a').stream(', done.');
    ws.handle('a').finish();
    await s.flush();
    expect(s.text()).not.toContain('streaming…');
    expect(s.text()).toContain('  Hi there, done.');
    expect(s.text()).toMatch(/input +2\.4k/);
  });

  it('inserts a newline with Ctrl-J (and Shift-Enter sent as CSI-u) instead of sending', async () => {
    const s = await open(120, 40);
    await s.press('a', KEY.ctrlJ, 'b', '\u001b[13;2u', 'c');
    expect(s.tui.controller.state.input.text).toBe('a\nb\nc');
    expect(s.rows().filter((r) => /│ {2}[bc]/.test(r))).toHaveLength(2);
  });

  it('recalls earlier input with Up', async () => {
    const s = await open(120, 40);
    await s.press('/', 'c', 'l', 'e', 'a', 'r', KEY.enter, KEY.up);
    expect(s.tui.controller.state.input.text).toBe('/clear');
  });

  it('completes slash commands with Tab', async () => {
    const s = await open(120, 40);
    await s.press('/', 'm', 'o', KEY.tab);
    expect(s.tui.controller.state.input.text).toBe('/model ');
    await s.press(KEY.ctrlU, '/', 'n', KEY.tab);
    expect(s.tui.controller.state.input.text).toBe('/new ');
  });

  it('says an unknown command is unknown and sends nothing to the model', async () => {
    const s = await open(120, 40);
    await s.press(...'/frobnicate'.split(''), KEY.enter);
    expect(s.text()).toContain('Unknown command /frobnicate; nothing was sent to the model.');
    expect(s.tui.controller.handles.get('a')?.isBusy()).toBe(false);
  });

  it('creates a session with /new NAME and shows it open', async () => {
    const s = await open(120, 40);
    await s.press(...'/new second'.split(''), KEY.enter);
    expect(s.rows()[0]).toContain('Conversation — second');
    expect(s.text()).toMatch(/│▶ {2}second/);
  });

  it('clears the screen with /clear but keeps the history reachable', async () => {
    const s = await open(120, 40);
    await s.press(...'/clear'.split(''), KEY.enter);
    expect(s.text()).not.toContain('Where is the session token checked?');
    expect(s.text()).toContain('earlier items hidden by /clear');
    await s.press(KEY.tab, KEY.tab, '\u001b[1~');
    expect(s.text()).toContain('Where is the session token checked?');
  });

  it('expands the selected tool call with Enter in the conversation pane', async () => {
    const s = await open(120, 40);
    await s.press(KEY.tab, KEY.tab, KEY.up, KEY.enter);
    expect(s.text()).toContain('▾ ⚙ read_file path: src/auth/session.ts');
    expect(s.text()).toContain('return verify(token);');
    await s.press(KEY.enter);
    expect(s.text()).toContain('▸ ⚙ read_file');
  });

  it('shows the help screen with F1 and with ? outside the input, drawn from the keymap', async () => {
    const s = await open(120, 40);
    await s.press(KEY.f1);
    expect(s.text()).toContain('Help — keys');
    expect(s.text()).toContain('switch to the next session');
    await s.press(KEY.esc);
    expect(s.text()).not.toContain('Help — keys');
    await s.press('?');
    expect(s.tui.controller.state.input.text).toBe('?');
    await s.press(KEY.tab, '?');
    expect(s.text()).toContain('Help — keys');
  });

  it('picks a session with a mouse click in the Sessions pane', async () => {
    const s = await open(120, 40);
    const y = s.rows().findIndex((r) => r.includes('│   bugfix-login'));
    await s.press(`\u001b[<0;6;${y + 1}M`, `\u001b[<0;6;${y + 1}m`);
    expect(s.rows()[0]).toContain('Conversation — bugfix-login-timeout');
    expect(s.tui.controller.state.focus).toBe('sessions');
  });

  it('opens the session under the cursor with Enter in the Sessions pane', async () => {
    const s = await open(120, 40);
    await s.press(KEY.tab, KEY.down, KEY.enter);
    expect(s.rows()[0]).toContain('Conversation — bugfix-login-timeout');
  });

  it('scrolls the conversation with the mouse wheel and with PageUp/PageDown', async () => {
    const ws = fixtureWorkspace();
    ws.add(summary({ id: 'long', name: 'long', order: 9 }), history(40));
    const s = await openScreen(ws, { width: 80, height: 24 });
    await s.flush();
    const y = 8;
    const scroll = (): number | undefined => s.tui.controller.state.conversations.get('long')?.scroll;
    const bottom = s.text();
    await s.press(`\u001b[<64;40;${y}M`);
    expect(scroll()).toBe(3);
    expect(s.text()).not.toBe(bottom);
    await s.press(KEY.pageDown);
    expect(scroll()).toBe(0);
    expect(s.text()).toBe(bottom);
    await s.press(KEY.pageUp);
    // A page is the pane's 17 rows (the side panes' summary line takes one) less the 2 kept.
    expect(scroll()).toBe(15);
  });

  it('forgets a first Ctrl-C once another key is pressed', async () => {
    const s = await open(120, 40);
    await s.press(KEY.ctrlC, 'x', KEY.ctrlC);
    expect(s.text()).toContain('press Ctrl-C again to quit');
    expect(s.tui.controller.state.ctrlCAt).not.toBeNull();
  });

  it('asks approval questions in a box over the panes, answered with Left/Right and Enter, oldest first', async () => {
    let now = FIXED_NOW;
    const s = await open(120, 40, { clock: () => now });
    const ws = s.tui.controller.ws as unknown as ReturnType<typeof fixtureWorkspace>;
    const ask = {
      sessionId: 'a',
      kind: 'tool' as const,
      tool: 'run_shell',
      summary: 'run rm -rf build',
      detail: 'rm -rf build\u001b]0;pwned\u0007 && echo done',
    };
    ws.bus.emit('approval.requested', { ...ask, requestId: 'r1' });
    ws.bus.emit('approval.requested', {
      ...ask,
      requestId: 'r2',
      tool: 'write_file',
      summary: 'create a.txt',
    });
    await s.flush();
    const box = s.text();
    expect(box).toContain('Approval needed');
    expect(box).toContain('A tool call needs your approval');
    expect(box).toContain('tool run_shell');
    expect(box).toContain('rm -rf build && echo done');
    expect(box).not.toContain('pwned');
    expect(box).toContain('  Allow once      Always (this session)      Deny  ');
    expect(box).toContain('1 more waiting after this one');
    // Letters go to the input; Enter without a choice, and arrows in the first moment, answer nothing.
    await s.press('x', 'n', KEY.right, KEY.enter);
    expect(s.tui.controller.state.input.text).toBe('xn');
    expect(ws.answers).toEqual([]);
    now += APPROVAL_GUARD_MS;
    await s.press(KEY.left);
    expect(s.text()).toContain('[ Deny ]');
    await s.press(KEY.enter);
    expect(s.text()).toContain('tool write_file');
    expect(s.text()).toContain('create a.txt');
    now += APPROVAL_GUARD_MS;
    await s.press(KEY.right, KEY.right, KEY.enter);
    expect(ws.answers).toEqual([
      ['r1', 'deny'],
      ['r2', 'always'],
    ]);
    expect(s.text()).not.toContain('A tool call needs your approval');
    expect(s.tui.controller.state.input.text).toBe('xn');
  });

  it('dismisses the box when the question is settled elsewhere (its turn stopped)', async () => {
    const s = await open(120, 40);
    const ws = s.tui.controller.ws as unknown as ReturnType<typeof fixtureWorkspace>;
    const ask = {
      sessionId: 'a',
      kind: 'tool' as const,
      tool: 'write_file',
      summary: 'create a.txt',
      detail: '',
    };
    ws.bus.emit('approval.requested', { ...ask, requestId: 'r1' });
    await s.flush();
    expect(s.text()).toContain('A tool call needs your approval');
    ws.bus.emit('approval.settled', { sessionId: 'a', requestId: 'r1', answer: 'cancelled' });
    await s.flush();
    expect(s.text()).not.toContain('A tool call needs your approval');
    await s.press('y');
    expect(ws.answers).toEqual([]);
    expect(s.tui.controller.state.input.text).toBe('y');
  });

  it('uses no colour with NO_COLOR, and still marks focus and selection', async () => {
    const s = await open(120, 40, { noColor: true });
    await s.press(KEY.tab);
    const sgr = [...s.output.bytes().matchAll(/\u001b\[([0-9;]*)m/g)].flatMap((m) =>
      (m[1] ?? '').split(';').map(Number),
    );
    const colours = sgr.filter((n) => (n >= 30 && n <= 49 && n !== 39 && n !== 49) || (n >= 90 && n <= 107));
    expect(colours).toEqual([]);
    expect(sgr).toContain(7);
    expect(sgr).toContain(1);
  });
});
