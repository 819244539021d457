/** `octo run --daemon` and `octo send` against the real binary. */
import { chmod, mkdir, stat } from 'node:fs/promises';
import { connect } from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { MessageRecord, SessionRecord } from '../../src/core/api.js';
import { FrameConnection, locateDaemon } from '../../src/server/daemon-client.js';
import { useOctoHome, type OctoProcess } from './support.js';
import { SERVER_HANG_MS, type Frame } from './ws-client.js';

const e2e = useOctoHome();
/** Each test starts several processes; on a loaded machine that takes a while. */
const LONG_TEST_MS = 90_000;
const daemons: OctoProcess[] = [];

afterEach(async () => {
  // A test that failed half-way leaves no daemon behind.
  for (const daemon of daemons.splice(0)) {
    if (daemon.child.exitCode === null && daemon.child.signalCode === null) daemon.child.kill('SIGKILL');
    await daemon.exited;
  }
});

function startDaemon(args: readonly string[], env: Record<string, string> = {}): OctoProcess {
  const daemon = e2e.home.spawn(['run', ...args, '--daemon'], {
    env: { ...e2e.home.env, ...env },
    hangMs: SERVER_HANG_MS,
  });
  daemons.push(daemon);
  return daemon;
}

async function holding(daemon: OctoProcess, name: string): Promise<void> {
  await daemon.waitFor((p) => p.stderr.includes(`holding session ${name}`), 'the daemon to hold its session');
}

/** The JSON lines a daemon wrote so far. */
function frames(daemon: OctoProcess): Frame[] {
  return daemon.stdout
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Frame);
}

async function costs(daemon: OctoProcess, count: number): Promise<void> {
  await daemon.waitFor(
    () => frames(daemon).filter((f) => f.type === 'cost').length >= count,
    `${count} turns`,
  );
}

async function messages(name: string): Promise<MessageRecord[]> {
  const shown = await e2e.home.run(['sessions', 'show', name, '--json']);
  expect(shown.code).toBe(0);
  const { records } = JSON.parse(shown.stdout) as { records: SessionRecord[] };
  return records.filter((r): r is MessageRecord => r.kind === 'message');
}

describe('octo run --daemon and octo send', () => {
  it(
    'stays alive after its first turn, takes messages from octo send, and stops cleanly on SIGTERM',
    async () => {
      e2e.fake.enqueue({ text: 'First reply.' }, { text: 'Second reply.' }, { text: 'Third reply.' });
      const daemon = startDaemon(['--name', 'bot', '--format', 'jsonl', '-p', 'first']);
      await holding(daemon, 'bot');
      await costs(daemon, 1);

      const sent = await e2e.home.run(['send', '--name', 'bot', 'second']);
      expect(sent).toMatchObject({ code: 0, stdout: 'ok\n' });
      await costs(daemon, 2);
      const piped = await e2e.home.run(['send', '--name', 'bot'], { input: 'third, from stdin\n' });
      expect(piped).toMatchObject({ code: 0, stdout: 'ok\n' });
      await costs(daemon, 3);
      expect(
        frames(daemon)
          .filter((f) => f.type === 'user')
          .map((f) => f.content),
      ).toEqual(['first', 'second', 'third, from stdin']);
      expect(
        frames(daemon)
          .filter((f) => f.type === 'assistant')
          .map((f) => f.content),
      ).toEqual(['First reply.', 'Second reply.', 'Third reply.']);

      const runDir = path.join(e2e.home.dataDir, 'run');
      expect((await stat(runDir)).mode & 0o777).toBe(0o700);
      const socket = await stat(path.join(runDir, 'bot.sock'));
      expect(socket.isSocket()).toBe(true);
      expect(socket.mode & 0o777).toBe(0o600);
      expect((await stat(path.join(runDir, 'bot.json'))).mode & 0o777).toBe(0o600);

      daemon.child.kill('SIGTERM');
      expect((await daemon.exited).code).toBe(0);
      await expect(stat(path.join(runDir, 'bot.sock'))).rejects.toMatchObject({ code: 'ENOENT' });
      await expect(stat(path.join(runDir, 'bot.json'))).rejects.toMatchObject({ code: 'ENOENT' });
      const after = await e2e.home.run(['send', '--name', 'bot', 'anyone there?']);
      expect(after.code).toBe(1);
      expect(after.stdout).toMatch(/^error: no daemon holds session bot/);

      // The lock went with it: the command line writes the session now, with its whole history.
      e2e.fake.enqueue({ text: 'Back on the command line.' });
      expect(await e2e.home.run(['run', '--resume', 'bot', '-p', 'fourth'])).toMatchObject({ code: 0 });
      expect((await messages('bot')).filter((m) => m.role === 'user').map((m) => m.content)).toEqual([
        'first',
        'second',
        'third, from stdin',
        'fourth',
      ]);
    },
    LONG_TEST_MS,
  );

  it(
    'prints error: <why> and exits 1 when no daemon holds the name, or the message is empty',
    async () => {
      const none = await e2e.home.run(['send', '--name', 'ghost', 'hello']);
      expect(none.code).toBe(1);
      expect(none.stdout).toMatch(/^error: no daemon holds session ghost \(no socket at .*ghost\.sock\)\n$/);
      expect(none.stderr).toContain('error: no daemon holds session ghost');
      const empty = await e2e.home.run(['send', '--name', 'ghost'], { input: '  \n' });
      expect(empty).toMatchObject({
        code: 1,
        stdout: 'error: empty message (give the text as an argument or on stdin)\n',
      });
      expect((await e2e.home.run(['send', 'hello'])).code).toBe(2);
      expect((await e2e.home.run(['send', '--name', '../x', 'hello'])).code).toBe(1);
    },
    LONG_TEST_MS,
  );

  it(
    'queues a message sent during a turn, and SIGTERM saves the running turn as interrupted',
    async () => {
      let release = (): void => {};
      const sent = new Promise<void>((resolve) => (release = resolve));
      e2e.fake.enqueue(
        async () => {
          // The first turn waits for the provider until the second message has been delivered.
          await sent;
          return { text: ['Counting: ', 'one, ', 'two, ', 'three.'] };
        },
        { text: ['A long ', 'answer ', 'that never ends.'], stallAfter: 2 },
      );
      const daemon = startDaemon(['--name', 'busy', '-p', 'count']);
      await holding(daemon, 'busy');
      await daemon.waitFor((p) => p.stderr.includes('> count'), 'the first turn to start');
      const queued = await e2e.home.run(['send', '--name', 'busy', 'then this']);
      expect(queued).toMatchObject({ code: 0, stdout: 'ok\n' });
      await daemon.waitFor((p) => p.stderr.includes('Queued: a turn is running'), 'the queued notice');
      release();
      await daemon.waitFor((p) => p.stdout.includes('A long answer'), 'the second turn to stream');
      daemon.child.kill('SIGTERM');
      const result = await daemon.exited;
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('Counting: one, two, three.');
      expect(result.stderr).toMatch(/\[busy · finished · /);
      expect(result.stderr).toMatch(/\[busy · interrupted · usage unknown · \?\]/);
      const stored = await messages('busy');
      expect(stored.map((m) => [m.role, m.content])).toEqual([
        ['user', 'count'],
        ['assistant', 'Counting: one, two, three.'],
        ['user', 'then this'],
        ['assistant', 'A long answer '],
      ]);
      expect(stored.at(-1)?.interrupted).toBe(true);
      // Its lock is released: another process can write the session.
      e2e.fake.enqueue({ text: 'Free again.' });
      expect((await e2e.home.run(['run', '--resume', 'busy', '-p', 'hello'])).code).toBe(0);
    },
    LONG_TEST_MS,
  );

  it(
    'keeps running the schedules of its session',
    async () => {
      e2e.fake.enqueue({ text: 'Scheduled.' }, { text: 'Tick answered.' });
      const daemon = startDaemon(['--name', 'clock', '--format', 'jsonl']);
      await holding(daemon, 'clock');
      const located = await locateDaemon({}, e2e.home.dataDir, 'clock');
      if (!located.ok) throw new Error(located.reason);
      const connection = await FrameConnection.open(located);
      const replies: Array<Record<string, unknown>> = [];
      connection.onFrame((frame) => replies.push(frame));
      connection.send({
        type: 'command',
        session_id: 'clock',
        command: 'schedule',
        args: ['in', '1s', 'tick'],
        request_id: 's1',
      });
      await daemon.waitFor(
        () => frames(daemon).some((f) => f.type === 'user' && f.content === 'tick'),
        'the scheduled message',
      );
      await costs(daemon, 1);
      const scheduled = replies.find((f) => f.request_id === 's1' && f.type === 'status');
      expect(scheduled?.message).toMatch(/^Scheduled /);
      connection.close();
      daemon.child.kill('SIGTERM');
      expect((await daemon.exited).code).toBe(0);
    },
    LONG_TEST_MS,
  );

  it(
    'uses $XDG_RUNTIME_DIR, refuses a wrong token, and send refuses a socket folder others can enter',
    async () => {
      const runtime = path.join(e2e.home.root, 'xdg-runtime');
      await mkdir(runtime, { mode: 0o700 });
      e2e.fake.enqueue({ text: 'Guarded reply.' });
      const daemon = startDaemon(['--name', 'guarded'], { XDG_RUNTIME_DIR: runtime });
      await holding(daemon, 'guarded');
      const folder = path.join(runtime, 'octo');
      expect((await stat(path.join(folder, 'guarded.sock'))).isSocket()).toBe(true);

      const answer = await new Promise<string>((resolve, reject) => {
        const socket = connect(path.join(folder, 'guarded.sock'));
        let text = '';
        socket.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
        socket.on('close', () => resolve(text));
        socket.on('error', reject);
        socket.write(
          '{"type":"auth","token":"guessed"}\n{"type":"message","session_id":"guarded","content":"hi"}\n',
        );
      });
      const lines = answer
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as Frame);
      expect(lines).toEqual([expect.objectContaining({ type: 'error', code: 'unauthorized' })]);

      await chmod(folder, 0o755);
      const env = { ...e2e.home.env, XDG_RUNTIME_DIR: runtime };
      const refused = await e2e.home.run(['send', '--name', 'guarded', 'hello'], { env });
      expect(refused.code).toBe(1);
      expect(refused.stdout).toMatch(/^error: refusing the socket folder: .* can be entered by other users/);
      await chmod(folder, 0o700);
      expect(await e2e.home.run(['send', '--name', 'guarded', 'hello'], { env })).toMatchObject({ code: 0 });
      daemon.child.kill('SIGTERM');
      expect((await daemon.exited).code).toBe(0);
    },
    LONG_TEST_MS,
  );
});
