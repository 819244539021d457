/** The side panes at 80 columns collapse to one line, F2 brings them back or hides them at any size. */
import { afterEach, describe, expect, it } from 'vitest';
import { fixtureWorkspace } from './support/fixture.js';
import { KEY, startHeadless, type Headless } from './support/headless.js';

const F2 = '\u001bOQ';

let screen: Headless | null = null;

afterEach(async () => {
  if (screen === null) return;
  const running = screen;
  screen = null;
  running.tui.controller.onExit(0);
  await running.tui.exited;
});

async function open(width: number, height: number): Promise<Headless> {
  screen = await startHeadless(fixtureWorkspace(), { width, height });
  await screen.flush();
  return screen;
}

describe('side panes', () => {
  it('gives the conversation the whole width at 80x24, the side panes as one line above it', async () => {
    const s = await open(80, 24);
    const rows = s.rows();
    expect(rows[0]).toMatch(/^ 3 sessions │ context 202\/100k 0% │ \S+ │ no jobs +F2 side panes$/);
    expect(rows[0]).toHaveLength(79);
    expect(rows[1]).toMatch(/^┌─ Conversation — auth-refactor ─+┐$/);
    expect(rows[2]).toMatch(/^│● You {73}│$/);
    expect(s.text()).not.toContain('Sessions');
    expect(s.text()).not.toContain('─ Jobs');
  });

  it('shows them with F2 at 80 columns and collapses them again with F2', async () => {
    const s = await open(80, 24);
    await s.press(F2);
    expect(s.rows()[0]).toMatch(/^┌─ Sessions ─+┐┌─ Conversation — auth-refactor ─+┐┌─ Context ─+┐$/);
    expect(s.text()).toContain('─ Jobs');
    await s.press(F2);
    expect(s.rows()[0]).toContain('F2 side panes');
    expect(s.text()).not.toContain('─ Jobs');
  });

  it('hides them with F2 at 120 columns too, and Tab skips the hidden ones', async () => {
    const s = await open(120, 40);
    expect(s.rows()[0]).toContain('─ Sessions');
    await s.press(KEY.tab);
    expect(s.tui.controller.state.focus).toBe('sessions');
    await s.press(F2);
    expect(s.rows()[0]).toMatch(/^ 3 sessions │ context 202\/100k 0% │ .* F2 side panes$/);
    // The focused pane went away: the focus is on the conversation, and Tab walks what is shown.
    expect(s.tui.controller.state.focus).toBe('conversation');
    await s.press(KEY.tab);
    expect(s.tui.controller.state.focus).toBe('input');
    await s.press(KEY.tab);
    expect(s.tui.controller.state.focus).toBe('conversation');
  });

  it('collapses them when the terminal narrows, and shows them again when it widens', async () => {
    const s = await open(120, 40);
    await s.press(KEY.tab);
    s.output.resize(80, 24);
    await s.flush();
    expect(s.rows()[0]).toContain('F2 side panes');
    expect(s.tui.controller.state.focus).toBe('conversation');
    s.output.resize(120, 40);
    await s.flush();
    expect(s.rows()[0]).toContain('─ Sessions');
  });
});
