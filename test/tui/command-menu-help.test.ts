/** Finding your way: `/` opens a list of commands filtered as you type; the help scrolls and lists them. */
import { describe, expect, it } from 'vitest';
import { coreCommandHelp } from '../../src/core/commands/index.js';
import { allCommands } from '../../src/tui/commands.js';
import { matchCommands, needsArgument } from '../../src/tui/app/command-menu.js';
import { fixtureWorkspace } from './support/fixture.js';
import { KEY, useHeadless, type Headless } from './support/headless.js';
import type { FakeWorkspace } from './support/fake-workspace.js';

let ws: FakeWorkspace;
const openScreen = useHeadless();

function open(width: number, height: number): Promise<Headless> {
  ws = fixtureWorkspace();
  return openScreen(ws, { width, height });
}

const menuRows = (s: Headless): string[] => {
  const rows = s.rows();
  const top = rows.findIndex((r) => r.includes('Commands'));
  if (top === -1) return [];
  const end = rows.findIndex((r, i) => i > top && r.startsWith('└'));
  return rows.slice(top + 1, end);
};

describe('the list of commands', () => {
  it('opens on / with every command and its line, and filters as the name is typed', async () => {
    const s = await open(120, 40);
    await s.press('/');
    expect(s.text()).toContain('Commands');
    const all = allCommands(coreCommandHelp());
    expect(s.text()).toMatch(/▶ \/clear +clear the screen/);
    // Ten rows at a time: the first ten by name.
    expect(menuRows(s)).toHaveLength(10);
    await s.press(...'in'.split(''));
    const rows = menuRows(s).join('\n');
    expect(rows).toMatch(/▶ \/info +/);
    expect(rows).not.toContain('/clear');
    expect(menuRows(s).length).toBe(matchCommands(all, 'in').length);
  });

  it('moves with Up and Down, runs the chosen command with Enter and closes', async () => {
    const s = await open(120, 40);
    await s.press(...'/i'.split(''));
    expect(menuRows(s)[0]).toMatch(/▶ \/info/);
    await s.press(KEY.down, KEY.up, KEY.enter);
    expect(ws.commandsRun).toEqual(['/info']);
    expect(s.text()).toContain('ran /info');
    expect(s.text()).not.toContain('Commands');
    expect(s.tui.controller.state.input.text).toBe('');
  });

  it('completes with Tab, and puts a command that needs an argument into the input on Enter', async () => {
    const s = await open(120, 40);
    await s.press(...'/ses'.split(''), KEY.enter);
    expect(s.tui.controller.state.input.text).toBe('/session ');
    expect(ws.commandsRun).toEqual([]);
    expect(s.text()).not.toContain('Commands');
    await s.press(KEY.ctrlU, ...'/ren'.split(''), KEY.tab);
    expect(s.tui.controller.state.input.text).toBe('/rename ');
  });

  it('closes with Esc without cancelling anything, and opens again when typing on', async () => {
    const s = await open(120, 40);
    await s.press('/', KEY.esc);
    expect(s.text()).not.toContain('Commands');
    expect(s.tui.controller.state.input.text).toBe('/');
    await s.press('m');
    expect(menuRows(s).join('\n')).toMatch(/▶ \/mcp/);
    // Up, with the list closed, walks the input history again.
    await s.press(KEY.esc, KEY.ctrlU, KEY.up);
    expect(s.text()).not.toContain('Commands');
  });

  it('does not open for text that starts with //, nor once arguments are typed', async () => {
    const s = await open(120, 40);
    await s.press('/', '/');
    expect(s.text()).not.toContain('Commands');
    await s.press(KEY.ctrlU, ...'/model x'.split(''));
    expect(s.text()).not.toContain('Commands');
  });

  it('keeps a space between a usage cut short and its description at 80 columns', async () => {
    const s = await open(80, 24);
    await s.press('/');
    const cut = menuRows(s).filter((r) => r.includes('…'));
    expect(cut.length).toBeGreaterThan(0);
    // A cut usage ends in "…" and the description starts after a space ("[all|user|assistan…what" ran on).
    for (const row of cut) expect(row).not.toMatch(/[^ ]…[^ │]/);
  });

  it('knows which commands need an argument from their usage', () => {
    const byName = new Map(allCommands(coreCommandHelp()).map((c) => [c.name, c]));
    const needs = (name: string): boolean => {
      const command = byName.get(name);
      if (command === undefined) throw new Error(`no /${name}`);
      return needsArgument(command);
    };
    expect(needs('session')).toBe(true);
    expect(needs('model')).toBe(true);
    expect(needs('new')).toBe(false);
    expect(needs('info')).toBe(false);
    expect(needs('context')).toBe(false);
  });
});

describe('the help', () => {
  it('scrolls by lines, pages and to its ends, and ends with the commands (not a pointer to /help)', async () => {
    const s = await open(120, 40);
    await s.press(KEY.f1);
    const title = (): string => s.rows().find((r) => r.includes('Help — keys and commands')) ?? '';
    expect(title()).toMatch(/lines 1–35 of (\d+)/);
    const total = Number(/of (\d+)/.exec(title())?.[1]);
    await s.press('j', 'j');
    expect(title()).toContain('lines 3–37');
    await s.press('k');
    expect(title()).toContain('lines 2–36');
    await s.press(KEY.pageDown);
    // A page is the box's 35 lines less the 2 kept from the last.
    expect(title()).toContain('lines 35–69');
    await s.press('\u001b[4~');
    expect(title()).toContain(`of ${total}`);
    expect(title()).toContain(`–${total} of`);
    expect(s.text()).toContain('Type / in the input to pick a command from a list');
    expect(s.text()).not.toMatch(/\/help lists them/);
    expect(s.text()).toMatch(/\/uncompress +undo the last compression/);
    await s.press(KEY.pageUp);
    expect(title()).not.toContain(`–${total} of`);
    await s.press('\u001b[1~');
    expect(title()).toContain('lines 1–35');
    await s.press('q');
    expect(s.text()).not.toContain('Help — keys');
    expect(s.tui.controller.state.input.text).toBe('');
  });

  it('wraps what does not fit at 80 columns instead of cutting it, and /help still opens at the commands', async () => {
    const s = await open(80, 24);
    await s.press(KEY.f1);
    const box = (): string[] => {
      const rows = s.rows();
      const top = rows.findIndex((r) => r.includes('Help — keys'));
      const end = rows.findIndex((r, i) => i > top && r.includes('└'));
      return rows.slice(top + 1, end);
    };
    // "scroll the conversation, or a job transcript shown over it, up" was cut at "shown…".
    expect(box().join('\n')).not.toContain('…');
    const at = box().findIndex((r) => r.includes('PageUp'));
    expect(`${box()[at] ?? ''} ${box()[at + 1] ?? ''}`.replace(/[│ ]+/g, ' ')).toContain(
      'a job transcript shown over it, up',
    );
    expect(s.rows().find((r) => r.includes('Help — keys'))).toContain('Esc closes');
    await s.press(KEY.esc, ...'/help'.split(''), KEY.esc, KEY.enter);
    expect(box()[0]).toContain('Slash commands');
    // A usage cut short is followed by a space ("[all|user|assistant|…what" ran on).
    expect(box().join('\n')).not.toMatch(/[^ ]…[^ │]/);
  });

  it('opens at its list of commands for /help, and /help there does not send you round', async () => {
    const s = await open(120, 40);
    await s.press(...'/help'.split(''), KEY.esc, KEY.enter);
    expect(s.text()).toContain('Help — keys and commands');
    expect(s.text()).toContain('Slash commands');
    expect(s.text()).toMatch(/\/session NAME +switch to a session/);
    expect(s.tui.controller.state.conversations.get('a')?.notes ?? []).toEqual([]);
  });
});
