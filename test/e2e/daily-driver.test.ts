/**
 * The workspace as a daily driver, end to end: the real binary in tmux at 80x24 with the high-contrast
 * theme, against the fake provider streaming slowly. Each step checks what the user sees and what the
 * model receives, in an order a broken feature cannot satisfy: a 300-line bracketed paste that must not
 * send, a message typed ahead that must wait for the reply, Ctrl-N that must follow the Sessions pane's
 * order (which is neither the order of creation nor alphabetical), and a theme that must colour the
 * screen without leaking a blessed tag. And a read-only view taking over from a writer killed with -9.
 */
import { describe, expect, it } from 'vitest';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { BIN } from './support.js';
import { startTerminal, useTmuxWorkspace } from './tmux.js';

const WIDTH = 80;
const HEIGHT = 24;
/** Each step may take this long on a loaded machine; nothing is asserted about how long it took. */
const STEP_MS = 30_000;

const tw = useTmuxWorkspace({ width: WIDTH, height: HEIGHT });

const keys = (...k: string[]): Promise<void> => tw.terminal.keys(...k);
const waitFor = (what: string, test: (screen: string) => boolean): Promise<string> =>
  tw.terminal.waitFor(what, test, STEP_MS);

interface SentMessage {
  role?: string;
  content?: unknown;
}

/** The user messages of the request `index` the fake provider received, as text. */
function userTexts(index: number): string[] {
  const messages = (tw.fake.requests[index]?.body.messages ?? []) as SentMessage[];
  return messages
    .filter((m) => m.role === 'user')
    .map((m) => (typeof m.content === 'string' ? m.content : JSON.stringify(m.content ?? '')));
}

/** The chat requests so far (the fake provider also records GET /v1/models). */
function chatRequests(): number[] {
  return tw.fake.requests.flatMap((r, i) => (r.path === '/v1/chat/completions' ? [i] : []));
}

/** The session the conversation pane's title names ("─ Conversation — alpha ─"). */
function shownSession(screen: string): string | null {
  return /Conversation — ([\w-]+)/.exec(screen)?.[1] ?? null;
}

/** Anything of a blessed tag left on screen: `{lightwhite-fg}`, a cut `{light`, a closing `{/bold}`. */
const RAW_TAG = /\{\/?(light|bold|underline|inverse|blink|[a-z]+-[fb]g|#[0-9a-f]{3,6})|-[fb]g\}|\{\/\}/i;

/** The rows of the Sessions pane (its left column, inside its border), top to bottom. */
function sessionsPaneRows(screen: string): string[] {
  const lines = screen.split('\n');
  const top = lines.findIndex((l) => /^┌─+ ?Sessions/.test(l));
  if (top < 0) return [];
  const right = lines[top]?.indexOf('┐') ?? -1;
  const rows: string[] = [];
  for (const line of lines.slice(top + 1)) {
    if (line.startsWith('└')) break;
    rows.push(line.slice(1, right));
  }
  return rows;
}

const NAMES = ['alpha', 'beta', 'gamma', 'delta', 'epsilon'] as const;

/** The five sessions in the order the Sessions pane lists them. */
function listedOrder(screen: string): string[] {
  const rows = sessionsPaneRows(screen);
  const at = (name: string): number => rows.findIndex((row) => new RegExp(`\\b${name}\\b`).test(row));
  return [...NAMES].sort((a, b) => at(a) - at(b)).filter((name) => at(name) >= 0);
}

describe('octo as a daily driver, in tmux at 80x24 with the high-contrast theme', () => {
  it('pastes 300 lines whole, queues a message typed during a reply, cycles five sessions in list order, and draws the theme clean', async () => {
    const replyWords = 'I read all three hundred lines, slowly and in order.'.split(/(?<= )/);
    let endReply = (): void => {};
    const replyMayEnd = new Promise<void>((resolve) => {
      endReply = resolve;
    });
    tw.fake.enqueue(
      // Streams slowly, and holds after three chunks until the test has seen the message queued.
      { text: replyWords, chunkDelayMs: 100, gateAfter: 3, gate: replyMayEnd },
      { text: ['The queued question got its answer.'] },
      { text: ['Beta heard you.'] },
    );
    await keys(`node ${BIN} --name alpha --theme high-contrast; echo EXITED $?`, 'Enter');
    const start = await waitFor('the conversation and the input', (s) =>
      ['Conversation', 'Input'].every((t) => s.includes(`─ ${t}`)),
    );

    // Layout: below 100 columns the side panes are a summary line and the conversation has the width.
    // Its box is the only one on its row, from the first column to the last.
    const title = start.split('\n').find((l) => l.includes('Conversation')) ?? '';
    expect(title).toMatch(/^┌─ Conversation — alpha ─+┐$/);
    expect([...title]).toHaveLength(WIDTH);
    expect(start).not.toContain('Sessions');
    expect(start).toMatch(/1 session/);
    expect(start).not.toMatch(RAW_TAG);

    // The theme is in force, not just free of tags: the focused input's border is light yellow (SGR 93).
    const escaped = (await tw.terminal.captureEscaped()).split('\n');
    const inputBorder = escaped.find((l) => l.includes(' Input ') && l.includes('┌─')) ?? '';
    expect(inputBorder.startsWith('\u001b[93m┌─')).toBe(true);

    // A 300-line bracketed paste: nothing sent, shown folded in the input, sent whole on Enter.
    const pasted = Array.from({ length: 300 }, (_, i) => `pasted line ${i + 1} of 300`);
    const chatsBefore = chatRequests().length;
    await tw.terminal.bracketedPaste(`${pasted.join('\n')}\n`);
    const folded = await waitFor('the folded paste', (s) => s.includes('[pasted 300 lines]'));
    expect(chatRequests()).toHaveLength(chatsBefore);
    // Not one pasted line was taken as a message and shown in the conversation.
    expect(folded).not.toContain('pasted line');
    // The fold is in the input box (below the conversation), not a note in the conversation.
    const foldRow = folded.split('\n').findIndex((l) => l.includes('[pasted 300 lines]'));
    const inputRow = folded.split('\n').findIndex((l) => l.includes('─ Input'));
    expect(foldRow).toBeGreaterThan(inputRow);
    expect(inputRow).toBeGreaterThan(0);

    await keys('Enter');
    await waitFor('the reply streaming', (s) => s.includes('I read all'));
    const afterPaste = chatRequests();
    expect(afterPaste).toHaveLength(chatsBefore + 1);
    const pasteRequest = afterPaste.at(-1) ?? -1;
    expect(userTexts(pasteRequest)).toEqual([`${pasted.join('\n')}\n`]);

    // Typed ahead while the reply streams: shown queued, not sent until the reply has ended.
    await keys('And the queued question?', 'Enter');
    const queued = await waitFor('the message queued', (s) => /⧗ queued/.test(s));
    expect(queued).toContain('And the queued question?');
    // The reply is still streaming (its last words are not on screen) and nothing more was sent.
    expect(queued).not.toContain('slowly and in order.');
    expect(chatRequests()).toHaveLength(chatsBefore + 1);
    endReply();
    const answered = await waitFor('the queued message answered', (s) =>
      s.includes('The queued question got its answer.'),
    );
    expect(answered).not.toMatch(/⧗ queued/);
    const afterQueue = chatRequests();
    expect(afterQueue).toHaveLength(chatsBefore + 2);
    // In order: the second request carries the whole first reply, then the queued message.
    const queueRequest = afterQueue.at(-1) ?? -1;
    const sent = (tw.fake.requests[queueRequest]?.body.messages ?? []) as SentMessage[];
    const tail = sent.slice(-3).map((m) => [m.role, m.content]);
    expect(tail).toEqual([
      ['user', `${pasted.join('\n')}\n`],
      ['assistant', replyWords.join('')],
      ['user', 'And the queued question?'],
    ]);

    // Five sessions. Beta gets a message last, so the list (most recently active first) differs from
    // the order of creation; Ctrl-N must walk the list as shown, each once, and come back.
    for (const name of NAMES.slice(1)) {
      await keys(`/new ${name}`, 'Enter');
      await waitFor(`session ${name}`, (s) => shownSession(s) === name);
    }
    await keys('/session beta', 'Enter');
    await waitFor('session beta again', (s) => shownSession(s) === 'beta');
    await keys('Hello beta', 'Enter');
    await waitFor("beta's reply", (s) => s.includes('Beta heard you.'));
    await keys('F2');
    const panes = await waitFor('the side panes shown', (s) => listedOrder(s).length === NAMES.length);
    const order = listedOrder(panes);
    expect(order[0]).toBe('beta');
    expect(order).not.toEqual([...NAMES]);
    expect(order).not.toEqual([...NAMES].reverse());
    expect(panes).not.toMatch(RAW_TAG);
    await keys('F2');
    await waitFor('the side panes collapsed again', (s) => !s.includes('Sessions'));

    const visited: string[] = [];
    let current = shownSession(await tw.terminal.capture());
    expect(current).toBe('beta');
    for (let i = 0; i < NAMES.length; i += 1) {
      const from = current;
      await keys('C-n');
      const screen = await waitFor('the next session', (s) => {
        const shown = shownSession(s);
        return shown !== null && shown !== from;
      });
      expect(screen).not.toMatch(RAW_TAG);
      current = shownSession(screen);
      visited.push(current ?? '?');
    }
    const rotated = [...order.slice(1), order[0]];
    expect(visited).toEqual(rotated);

    // The whole screen, at the end of the tour, is still 24 rows and free of tags.
    const end = await tw.terminal.capture();
    expect(end).not.toMatch(RAW_TAG);
    expect(end.replace(/\n$/, '').split('\n')).toHaveLength(HEIGHT);
    await keys('C-c');
    await waitFor('the quit warning', (s) => s.includes('Ctrl-C again'));
    await keys('C-c');
    await waitFor('the shell back', (s) => s.includes('EXITED 0'));
  }, 180_000);

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
      expect(userTexts(tw.fake.requests.length - 1).at(-1)).toBe('typed while following');
    } finally {
      await follower.close();
    }
  });
});
