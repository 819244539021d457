/**
 * The workspace as a daily driver, end to end: the real binary in tmux at 80x24 with the high-contrast
 * theme, against the fake provider. A 300-line bracketed paste, a message typed ahead while a reply
 * streams, Ctrl-N through five sessions; and a read-only view taking over from a writer killed with -9.
 */
import { describe, expect, it } from 'vitest';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { BIN } from './support.js';
import { startTerminal, useTmuxWorkspace } from './tmux.js';

const tw = useTmuxWorkspace({ width: 80, height: 24 });

const keys = (...k: string[]): Promise<void> => tw.terminal.keys(...k);
const waitFor = (what: string, test: (screen: string) => boolean): Promise<string> =>
  tw.terminal.waitFor(what, test);

/** The text of the last user message of a request the fake provider received. */
function lastUserText(index: number): string {
  const messages = (tw.fake.requests[index]?.body.messages ?? []) as Array<{
    role?: string;
    content?: unknown;
  }>;
  const content = messages.filter((m) => m.role === 'user').at(-1)?.content;
  return typeof content === 'string' ? content : JSON.stringify(content ?? '');
}

/** The session the conversation pane's title names ("─ Conversation — alpha ─"). */
function shownSession(screen: string): string | null {
  return /Conversation — ([\w-]+)/.exec(screen)?.[1] ?? null;
}

describe('octo as a daily driver, in tmux at 80x24 with the high-contrast theme', () => {
  it('takes a 300-line paste whole, queues a message typed during a reply, and cycles five sessions', async () => {
    const streamed = (text: string): { text: string[]; chunkDelayMs: number } => ({
      text: text.split(/(?<= )/),
      chunkDelayMs: 250,
    });
    tw.fake.enqueue(streamed('Read all three hundred lines of it, thank you very much.'), {
      text: ['The queued question got its answer.'],
    });
    await keys(`node ${BIN} --name alpha --theme high-contrast; echo EXITED $?`, 'Enter');
    const start = await waitFor('the conversation and the input', (s) =>
      ['Conversation', 'Input'].every((t) => s.includes(`─ ${t}`)),
    );
    // Below 100 columns the side panes are one summary line: the conversation has the whole width.
    expect(start).not.toContain('─ Sessions');
    expect(start).toMatch(/1 session/);
    // The high-contrast theme draws no raw blessed tags.
    expect(start).not.toMatch(/\{[a-z-]+\}/);

    // A paste of 300 lines lands in the input folded, sends nothing, and is sent whole with Enter.
    const lines = Array.from({ length: 300 }, (_, i) => `pasted line ${i + 1}`);
    const before = tw.fake.requests.length;
    await tw.terminal.bracketedPaste(`${lines.join('\n')}\n`);
    await waitFor('the folded paste', (s) => s.includes('[pasted 300 lines]'));
    expect(tw.fake.requests.length).toBe(before);
    await keys('Enter');
    await waitFor('the reply streaming', (s) => s.includes('Read all'));
    expect(lastUserText(before)).toBe(`${lines.join('\n')}\n`);

    // Typed ahead while the reply streams: queued above the input, sent once the reply is done.
    await keys('And the queued question?', 'Enter');
    const queued = await waitFor('the message queued', (s) => s.includes('queued'));
    expect(queued).not.toContain('The queued question got its answer.');
    await waitFor('the queued message answered', (s) => s.includes('The queued question got its answer.'));
    expect(tw.fake.requests.length).toBe(before + 2);
    expect(lastUserText(before + 1)).toBe('And the queued question?');

    // Five sessions; Ctrl-N visits each once, in the order of the list, and comes back.
    for (const name of ['beta', 'gamma', 'delta', 'epsilon']) {
      await keys(`/new ${name}`, 'Enter');
      await waitFor(`session ${name}`, (s) => shownSession(s) === name);
    }
    const visited: string[] = [];
    let current = shownSession(await tw.terminal.capture());
    for (let i = 0; i < 5; i += 1) {
      const from = current;
      await keys('C-n');
      current = shownSession(await waitFor('the next session', (s) => shownSession(s) !== from));
      visited.push(current ?? '?');
    }
    expect(visited.at(-1)).toBe('epsilon');
    expect([...visited].sort()).toEqual(['alpha', 'beta', 'delta', 'epsilon', 'gamma']);
    await keys('C-n');
    await waitFor('the cycle to start again', (s) => shownSession(s) === visited[0]);

    const end = await tw.terminal.capture();
    expect(end).not.toMatch(/\{[a-z-]+\}/);
    expect(end.replace(/\n$/, '').split('\n')).toHaveLength(24);
    await keys('C-c');
    await waitFor('the quit warning', (s) => s.includes('Ctrl-C again'));
    await keys('C-c');
    await waitFor('the shell back', (s) => s.includes('EXITED 0'));
  });

  it('takes a session over in a read-only view once its writer is killed with -9, and keeps its typed text', async () => {
    await keys(`node ${BIN} --name shared; echo EXITED $?`, 'Enter');
    await waitFor('the writer', (s) => s.includes('✎ writable'));
    const owners = (await readdir(path.join(tw.home.dataDir, 'sessions'))).filter((f) =>
      f.endsWith('.owner.json'),
    );
    expect(owners).toHaveLength(1);
    const owner = JSON.parse(
      await readFile(path.join(tw.home.dataDir, 'sessions', owners[0] ?? ''), 'utf8'),
    ) as { pid: number };
    const follower = await startTerminal(tw.home, [], { width: 80, height: 24 });
    try {
      await follower.keys(`node ${BIN} --name shared; echo EXITED $?`, 'Enter');
      await follower.waitFor('the read-only view', (s) => s.includes('read-only (held by'));
      await follower.keys('typed while following', 'Enter');
      await follower.waitFor('the refusal', (s) => s.includes('This view is read-only'));
      process.kill(owner.pid, 'SIGKILL');
      await waitFor('the writer gone', (s) => s.includes('EXITED 137'));
      const taken = await follower.waitFor('the take-over', (s) => s.includes('✎ writable'));
      expect(taken.replace(/\s+/g, ' ')).toContain('this view writes it now');
      expect(taken).toContain('typed while following');
      tw.fake.enqueue({ text: ['Heard you after the take-over.'] });
      await follower.keys('Enter');
      await follower.waitFor('the reply', (s) => s.includes('Heard you after the take-over.'));
      expect(lastUserText(tw.fake.requests.length - 1)).toBe('typed while following');
    } finally {
      await follower.close();
    }
  });
});
