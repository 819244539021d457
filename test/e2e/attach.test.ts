/**
 * `octo attach` with the real binary in tmux: an `octo server` holds a session, two terminals attach to
 * it, both write and both see every reply; `octo run --resume` attaches too while the server or a daemon
 * holds it, and says so when that process is killed; and a session held by a plain full screen (which
 * does not serve) opens read-only.
 */
import { existsSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { SessionRecord } from '../../src/core/api.js';
import { startFakeProvider, type FakeProvider } from '../support/fake-provider.js';
import { BIN, makeOctoHome, REPO, type OctoHome, type OctoProcess } from './support.js';
import { startTerminal, type TmuxTerminal } from './tmux.js';
import { startServer, type RunningServer } from './ws-client.js';

let fake: FakeProvider;
let home: OctoHome;
let server: RunningServer | null = null;
const terminals: TmuxTerminal[] = [];
const daemons: OctoProcess[] = [];

/** Starting a full screen loads the workspace and connects: on a loaded machine that takes a while. */
const START_MS = 60_000;
/** A test starts four or five octo processes; under load each takes seconds. */
const TEST_MS = 300_000;
const RUN = { hangMs: 120_000 };

async function open(command: string): Promise<TmuxTerminal> {
  const terminal = await startTerminal(home);
  terminals.push(terminal);
  await terminal.keys(`${command}; echo EXITED $?`, 'Enter');
  return terminal;
}

/** Like terminal.waitFor, with room for a start-up. */
async function shows(
  terminal: TmuxTerminal,
  what: string,
  test: (screen: string) => boolean,
): Promise<string> {
  const until = Date.now() + START_MS;
  let screen = await terminal.capture();
  while (!test(screen)) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}; the screen was:\n${screen}`);
    await delay(50);
    screen = await terminal.capture();
  }
  return screen;
}

/** The screen without pane borders, one line of conversation text per line. */
function flat(screen: string): string {
  return screen.replace(/[│┌┐└┘─]/g, ' ').replace(/\s+/g, ' ');
}

async function quit(terminal: TmuxTerminal): Promise<void> {
  await terminal.keys('C-c');
  await terminal.waitFor('the quit warning', (s) => s.includes('press Ctrl-C again to quit'));
  await terminal.keys('C-c');
  await terminal.waitFor('the shell back', (s) => s.includes('EXITED 0'));
}

beforeAll(async () => {
  if (!existsSync(path.join(REPO, 'dist', 'cli', 'main.js')))
    throw new Error('dist/ is missing: run npm run build first');
  fake = await startFakeProvider();
});
afterAll(async () => {
  await fake.close();
});
beforeEach(async () => {
  home = await makeOctoHome(fake.url);
});
afterEach(async () => {
  for (const terminal of terminals.splice(0)) await terminal.close();
  for (const daemon of daemons.splice(0)) {
    if (daemon.child.exitCode === null && daemon.child.signalCode === null) daemon.child.kill('SIGKILL');
    await daemon.exited;
  }
  await server?.stop();
  server = null;
  await home.cleanup();
});

describe('octo attach in tmux', () => {
  it(
    'lets two terminals attached to a server’s session both write, and shows each every reply',
    async () => {
      fake.enqueue({ text: 'Begun.' });
      expect((await home.run(['run', '--name', 'shared', '-p', 'Begin'], RUN)).code).toBe(0);
      server = await startServer(home);

      const one = await open(`node ${BIN} attach shared`);
      const two = await open(`node ${BIN} attach shared`);
      // All of it in one capture: tmux may be captured while a frame is still arriving (the notice
      // drawn, the status line not yet — this failed once so in CI).
      const pid = server.process.child.pid;
      for (const terminal of [one, two]) {
        await shows(
          terminal,
          'the attached workspace: the conversation, its reply, the notice naming the server, ✎ writable',
          (s) =>
            s.includes('─ Conversation — shared') &&
            s.includes('Begun.') &&
            flat(s).includes(`Attached: process ${pid}`) &&
            s.includes('✎ writable'),
        );
      }

      fake.enqueue({ text: ['Answer ', 'to ', 'the ', 'first ', 'terminal.'], chunkDelayMs: 30 });
      await one.keys('Question from one', 'Enter');
      for (const terminal of [one, two]) {
        await shows(
          terminal,
          'the first terminal’s turn',
          (s) =>
            s.includes('Question from one') &&
            s.includes('Answer to the first terminal.') &&
            !s.includes('working'),
        );
      }

      fake.enqueue({ text: 'Answer to the second terminal.' });
      await two.keys('Question from two', 'Enter');
      for (const terminal of [one, two]) {
        await shows(
          terminal,
          'the second terminal’s turn',
          (s) =>
            s.includes('Question from two') &&
            s.includes('Answer to the second terminal.') &&
            !s.includes('working'),
        );
      }

      // While the server holds it, resuming the session attaches as well.
      const three = await open(`node ${BIN} run --resume shared`);
      const resumed = await shows(three, 'the resumed session, attached', (s) =>
        flat(s).includes('Attached: process'),
      );
      expect(resumed).toContain('Answer to the second terminal.');

      for (const terminal of [one, two, three]) await quit(terminal);
      // One writer throughout: the server wrote every record, in order, and the session is whole.
      const shown = await home.run(['sessions', 'show', 'shared', '--json'], RUN);
      const { records } = JSON.parse(shown.stdout) as { records: SessionRecord[] };
      const messages = records.flatMap((r) =>
        r.kind === 'message' && r.role !== 'system' ? [r.content] : [],
      );
      expect(messages).toEqual([
        'Begin',
        'Begun.',
        'Question from one',
        'Answer to the first terminal.',
        'Question from two',
        'Answer to the second terminal.',
      ]);
      const stopped = await server.stop();
      server = null;
      expect(stopped.code).toBe(0);
      // Each terminal left cleanly: the server saw closes, not resets.
      expect(stopped.stderr).not.toMatch(/ECONNRESET/);
    },
    TEST_MS,
  );

  it(
    'attaches `octo run --resume` to a daemon’s session, and turns it read-only when the daemon is killed',
    async () => {
      const daemon = home.spawn(['run', '--name', 'bot', '--daemon'], { hangMs: TEST_MS });
      daemons.push(daemon);
      await daemon.waitFor((p) => p.stderr.includes('holding session bot'), 'the daemon to hold bot');

      const terminal = await open(`node ${BIN} run --resume bot`);
      await shows(terminal, 'the workspace attached to the daemon', (s) =>
        flat(s).includes(`Attached: process ${daemon.child.pid}`),
      );
      fake.enqueue({ text: 'Answered through the daemon.' });
      await terminal.keys('Hello daemon', 'Enter');
      await shows(
        terminal,
        'the daemon’s reply',
        (s) => s.includes('Answered through the daemon.') && !s.includes('working'),
      );

      daemon.child.kill('SIGKILL');
      await daemon.exited;
      const gone = await shows(terminal, 'the detached session', (s) =>
        s.includes('detached: its holder went away'),
      );
      expect(gone).not.toContain('✎ writable');
      // What is typed now is refused in place and stays in the input.
      await terminal.keys('Still there?', 'Enter');
      const refused = await shows(terminal, 'the refusal', (s) =>
        flat(s).includes('Not sent: the process that held bot went away'),
      );
      expect(refused).toContain('› Still there?');
      await quit(terminal);
    },
    TEST_MS,
  );

  it(
    'opens read-only, naming the holder, a session held by a full screen that does not serve it',
    async () => {
      const holder = await open(`node ${BIN} run --name private`);
      await shows(holder, 'the holder’s workspace', (s) => s.includes('─ Conversation — private'));
      fake.enqueue({ text: 'Written by the holder.' });
      await holder.keys('From the holder', 'Enter');
      await shows(holder, 'the holder’s reply', (s) => s.includes('Written by the holder.'));

      const viewer = await open(`node ${BIN} attach private`);
      await shows(
        viewer,
        'the read-only view: the notice, the holder’s reply, read-only in the status line',
        (s) =>
          flat(s).includes('Read-only: process') &&
          s.includes('Written by the holder.') &&
          s.includes('🔒 read-only'),
      );

      // The view follows what the holder writes.
      fake.enqueue({ text: 'A second reply, followed.' });
      await holder.keys('Again', 'Enter');
      await shows(viewer, 'the holder’s next reply', (s) => s.includes('A second reply, followed.'));
      for (const terminal of [viewer, holder]) await quit(terminal);
    },
    TEST_MS,
  );
});
