/* eslint-disable no-control-regex -- the shell must show no terminal control bytes after quitting */
/** The real binary full screen in tmux at 120x40, against the fake provider: what the workspace must show. */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN } from './support.js';
import { useTmuxWorkspace } from './tmux.js';

const tw = useTmuxWorkspace();

const keys = (...k: string[]): Promise<void> => tw.terminal.keys(...k);
const waitFor = (what: string, test: (screen: string) => boolean): Promise<string> =>
  tw.terminal.waitFor(what, test);

/**
 * Chooses an answer in the approval box with the arrow keys. Keys in the box's first moment are not
 * taken as a choice (its guard time, a wall-clock time in the real binary), so Right is pressed until
 * the box marks a choice, each press given a second to show; then Right moves to `label`, each press
 * awaited on the screen.
 */
async function choose(label: string): Promise<void> {
  const chosen = (screen: string): string | null => /\[ ([^\]]+?) \]/.exec(screen)?.[1] ?? null;
  const order = ['Allow once', 'Always (this session)', 'Deny'];
  for (let tries = 0; chosen(await tw.terminal.capture()) === null; tries += 1) {
    if (tries === 20) throw new Error(`no choice could be made:\n${await tw.terminal.capture()}`);
    await keys('Right');
    await tw.terminal.waitFor('a choice', (screen) => chosen(screen) !== null, 1_000).catch(() => null);
  }
  for (let now = chosen(await tw.terminal.capture()); now !== label;) {
    const next = order[(order.indexOf(now ?? '') + 1) % order.length] ?? '';
    await keys('Right');
    now = chosen(await waitFor(`${next} chosen`, (screen) => chosen(screen) === next));
  }
}

/** A row of the Context pane by its label, e.g. " input   1.2k". */
function contextValue(screen: string, label: string): string {
  const row = screen.split('\n').find((line) => new RegExp(`│ ${label} +\\S+│$`).test(line));
  return row?.match(/(\S+)│$/)?.[1] ?? '';
}

describe('octo full screen in tmux', () => {
  it('shows the panes, streams a reply, updates the context, switches sessions and quits clean', async () => {
    const reply = (
      text: string,
    ): { text: string[]; chunkDelayMs: number; usage: { prompt: number; completion: number } } => ({
      text: text.split(/(?<= )/),
      chunkDelayMs: 120,
      usage: { prompt: 1200, completion: 40 },
    });
    tw.fake.enqueue(reply('The first answer streams in word by word.'), reply('Second session answer here.'));
    await keys(`node ${BIN}; echo EXITED $?`, 'Enter');

    const start = await waitFor('the four panes and the input', (s) =>
      ['Sessions', 'Conversation', 'Context', 'Jobs', 'Input'].every((t) => s.includes(`─ ${t}`)),
    );
    expect(contextValue(start, 'input')).toBe('0');

    await keys('What is first?', 'Enter');
    await waitFor('the reply streaming', (s) => s.includes('streaming…') && s.includes('The first'));
    const after = await waitFor(
      'the whole reply',
      (s) => s.includes('The first answer streams in word by word.') && !s.includes('streaming…'),
    );
    await waitFor('the context pane to count the turn', (s) => contextValue(s, 'input') === '1.2k');
    expect(contextValue(after, 'messages')).not.toBe('0');

    await keys('/new second', 'Enter');
    await waitFor('the new session', (s) => s.includes('Conversation — second'));
    await keys('What is second?', 'Enter');
    await waitFor(
      'the second reply',
      (s) => s.includes('Second session answer here.') && !s.includes('streaming…'),
    );

    await keys('C-p');
    const first = await waitFor('the first session again', (s) =>
      s.includes('The first answer streams in word by word.'),
    );
    expect(first).not.toContain('Second session answer here.');
    await keys('C-n');
    await waitFor(
      'the second session again',
      (s) => s.includes('Conversation — second') && s.includes('Second session answer here.'),
    );

    await keys('C-c');
    await waitFor('the quit warning', (s) => s.includes('press Ctrl-C again to quit'));
    await keys('C-c');
    const prompt = /^bash-[\d.]+[#$]$/;
    // The shell prints its prompt a moment after octo's exit line: wait for both.
    const shell = await waitFor(
      'the shell back',
      (s) => s.includes('EXITED 0') && prompt.test(s.trim().split('\n').at(-1) ?? ''),
    );
    expect(shell).not.toMatch(/Sessions|\[\?|\u001b|\^\[/);
    expect(shell.trim().split('\n').at(-1)).toMatch(prompt);
  });

  it('asks before a write: typing and a paste never answer and stay in the input; Left/Right and Enter deny it, then allow it', async () => {
    const write = (id: string): { toolCalls: Array<{ id: string; name: string; arguments: string }> } => ({
      toolCalls: [{ id, name: 'write_file', arguments: '{"path":"out.txt","content":"hello"}' }],
    });
    tw.fake.enqueue(write('w1'), { text: 'Understood, not written.' }, write('w2'), { text: 'Written now.' });
    const file = path.join(tw.home.projectDir, 'out.txt');
    await keys(`node ${BIN}; echo EXITED $?`, 'Enter');
    await waitFor('the input', (s) => s.includes('─ Input'));

    // The case: the box opens while the user is still typing. Letters typed just before and
    // while it opens, and a paste with a newline, answer nothing and stay in the input (docs/faults.md row 33).
    const requestsBefore = tw.fake.requests.length;
    await keys('Write it', 'Enter', 'why');
    const asked = await waitFor('the approval box', (s) => s.includes('A tool call needs your approval'));
    expect(asked).toContain('tool write_file');
    expect(asked).toContain('create out.txt with 5 bytes');
    await keys(' hold on, why n y a');
    await tw.terminal.paste('yes\n');
    await waitFor('what was typed and pasted in the input', (s) => s.includes('why hold on, why n y ayes'));
    await waitFor('the box still open', (s) => s.includes('A tool call needs your approval'));
    expect(existsSync(file)).toBe(false);
    // Only the request that asked for the write: no answer went back to the model.
    expect(tw.fake.requests).toHaveLength(requestsBefore + 1);

    await choose('Deny');
    await keys('Enter');
    // The reply is drawn a moment before the turn ends: the next message waits for the turn.
    await waitFor(
      'the turn to end after the denial',
      (s) => s.includes('Understood, not written.') && !s.includes('⟳ working'),
    );
    expect(existsSync(file)).toBe(false);
    const denied = tw.fake.requests.at(-1)?.body.messages?.at(-1) as { role: string; content: string };
    expect(denied.role).toBe('tool');
    expect(denied.content).toMatch(/the user declined/);

    await keys('C-u', 'Write it again', 'Enter');
    await waitFor('the approval box again', (s) => s.includes('A tool call needs your approval'));
    await choose('Allow once');
    await keys('Enter');
    await waitFor('the reply after the write', (s) => s.includes('Written now.'));
    expect(existsSync(file)).toBe(true);

    await keys('C-c');
    await keys('C-c');
    await waitFor('the shell back', (s) => s.includes('EXITED 0'));
    // Two turns, four dialogs and a paste through a real terminal: 20 s is too little beside another suite.
  }, 60_000);
});
