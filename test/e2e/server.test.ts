/** `octo server` driven by a real WebSocket client (docs/faults.md rows 42 and 43). */
import { appendFile, readFile, stat } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { useOctoHome } from './support.js';
import { Client, refusedWith, seqs, startServer, type Frame, type RunningServer } from './ws-client.js';

const e2e = useOctoHome();
/** Each test starts several processes; on a loaded machine that takes a while. */
const LONG_TEST_MS = 90_000;
let server: RunningServer | null = null;

afterEach(async () => {
  await server?.stop();
  server = null;
});

async function start(args: string[] = [], env: Record<string, string> = {}): Promise<RunningServer> {
  server = await startServer(e2e.home, args, env);
  return server;
}

/** Attaches to `name` and waits for the status that says the session is open. */
async function attach(client: Client, name: string, extra: object = {}): Promise<Frame> {
  const from = client.frames.length;
  client.send({ type: 'session', session_id: name, ...extra });
  return client.expectFrame('status', { session_id: name }, from);
}

const turnFrames = (frames: readonly Frame[]): string[] =>
  frames
    .filter((f) =>
      ['user', 'assistant', 'tool_use', 'tool_result', 'cost', 'approval_request'].includes(f.type),
    )
    .map((f) => f.type);

describe('octo server: the handshake (docs/faults.md row 42)', () => {
  it(
    'says where it listens, keeps its token in a 0600 server.json, and removes it on SIGTERM',
    async () => {
      const running = await start();
      expect(running.process.stderr).toMatch(/^octo server listening on ws:\/\/127\.0\.0\.1:\d+\/ws$/m);
      const file = path.join(e2e.home.dataDir, 'server.json');
      expect((await stat(file)).mode & 0o777).toBe(0o600);
      const info = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
      expect(info).toMatchObject({ url: running.url, pid: running.process.child.pid });
      expect(running.token.length).toBeGreaterThanOrEqual(32);

      const client = await Client.connect(running);
      expect(client.frames[0] ?? (await client.expectFrame('hello'))).toMatchObject({
        type: 'hello',
        protocol: 1,
        server: 'octo',
      });
      await client.close();
      const stopped = await running.stop();
      server = null;
      expect(stopped.code).toBe(0);
      expect(stopped.stderr).not.toContain(running.token);
      await expect(stat(file)).rejects.toMatchObject({ code: 'ENOENT' });
    },
    LONG_TEST_MS,
  );

  it(
    'refuses no token and a wrong token with 401, in constant time and without logging it',
    async () => {
      const running = await start();
      expect(await refusedWith(Client.connect(running, { token: null }))).toBe(401);
      expect(await refusedWith(Client.connect(running, { token: 'not-the-token' }))).toBe(401);
      expect(await refusedWith(Client.connect(running, { token: `${running.token}x` }))).toBe(401);
      expect(
        await refusedWith(
          Client.connect(running, { token: null, protocols: ['octo.v1', 'octo.auth.wrong'] }),
        ),
      ).toBe(401);
      expect(running.process.stderr).not.toContain('not-the-token');
      expect(running.process.stderr).toMatch(/refused .*: 401 \(no token\)/);
    },
    LONG_TEST_MS,
  );

  it(
    'refuses a browser page whose Origin is not allowed, and a foreign Host (DNS rebinding), with 403',
    async () => {
      const running = await start(['--allow-origin', 'http://localhost:5173']);
      const origin = (value: string): Promise<Client> =>
        Client.connect(running, { headers: { Origin: value } });
      expect(await refusedWith(origin('https://evil.example'))).toBe(403);
      expect(await refusedWith(origin('null'))).toBe(403);
      expect(await refusedWith(origin('http://localhost:5174'))).toBe(403);
      // Even a page on this very host and port is someone's page: it is not on the list.
      expect(await refusedWith(origin(`http://127.0.0.1:${running.port}`))).toBe(403);
      const host = (value: string): Promise<Client> => Client.connect(running, { headers: { Host: value } });
      expect(await refusedWith(host(`evil.example:${running.port}`))).toBe(403);
      expect(await refusedWith(host(`localhost:${running.port + 1}`))).toBe(403);
      expect(await refusedWith(host('127.0.0.1.nip.io'))).toBe(403);

      // The allowed page connects with the token as a subprotocol, the way a browser can send it.
      const page = await Client.connect(running, {
        token: null,
        headers: { Origin: 'http://localhost:5173' },
        protocols: ['octo.v1', `octo.auth.${running.token}`],
      });
      expect(page.socket.protocol).toBe('octo.v1');
      await page.close();
      const byName = await Client.connect(running, { headers: { Host: `localhost:${running.port}` } });
      await byName.close();
    },
    LONG_TEST_MS,
  );

  it(
    'takes the token from $OCTO_SERVER_TOKEN and does not copy it to disk',
    async () => {
      const token = 'a-token-the-user-keeps-in-a-secret-store-0123456789';
      const running = await start([], { OCTO_SERVER_TOKEN: token });
      const info = await readFile(path.join(e2e.home.dataDir, 'server.json'), 'utf8');
      expect(info).not.toContain(token);
      const client = await Client.connect(running);
      await client.close();
    },
    LONG_TEST_MS,
  );

  it(
    'needs --allow-remote for an address beyond loopback',
    async () => {
      const result = await e2e.home.run(['server', '--host', '0.0.0.0', '--port', '0']);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('--allow-remote');
    },
    LONG_TEST_MS,
  );

  it(
    'says the port is taken, as an expected failure rather than a bug',
    async () => {
      const taken = createServer();
      await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
      try {
        const { port } = taken.address() as AddressInfo;
        const result = await e2e.home.run(['server', '--port', String(port)]);
        expect(result.code).toBe(1);
        expect(result.stderr).toContain(`Cannot listen on 127.0.0.1:${port}: another program uses that port`);
        expect(result.stderr).not.toContain('internal error');
        await expect(stat(path.join(e2e.home.dataDir, 'server.json'))).rejects.toMatchObject({
          code: 'ENOENT',
        });
      } finally {
        await new Promise((resolve) => taken.close(resolve));
      }
    },
    LONG_TEST_MS,
  );
});

describe('octo server: frames', () => {
  it(
    'runs a full turn with a tool call and an approval, numbering every session frame',
    async () => {
      e2e.fake.enqueue(
        {
          toolCalls: [
            {
              id: 'call_1',
              name: 'write_file',
              arguments: '{"path":"notes.txt","content":"from the model\\n"}',
            },
          ],
          usage: { prompt: 20, completion: 3 },
        },
        { text: ['Wrote ', 'notes.txt.'], usage: { prompt: 30, completion: 4 } },
      );
      const running = await start();
      const client = await Client.connect(running);
      const opened = await attach(client, 'tools', { request_id: 'open-1' });
      expect(opened).toMatchObject({ message: 'Session created: tools', request_id: 'open-1' });
      client.send({ type: 'message', session_id: 'tools', content: 'write the notes', request_id: 'm1' });
      expect(await client.expectFrame('ack', { request_id: 'm1' })).toMatchObject({
        message_type: 'message',
        session_id: 'tools',
        status: 'received',
      });
      const asked = await client.expectFrame('approval_request');
      expect(asked).toMatchObject({ session_id: 'tools', kind: 'tool', tool: 'write_file' });
      client.send({
        type: 'approval',
        session_id: 'tools',
        approval_id: asked.approval_id,
        decision: 'once',
      });
      const cost = await client.expectFrame('cost');
      expect(cost).toMatchObject({
        session_id: 'tools',
        turn_status: 'finished',
        input_tokens: 50,
        output_tokens: 7,
        session_tokens: 57,
      });
      expect(turnFrames(client.frames)).toEqual([
        'user',
        'tool_use',
        'approval_request',
        'tool_result',
        'assistant',
        'cost',
      ]);
      expect(client.ofType('tool_use')[0]).toMatchObject({
        tool: 'write_file',
        tool_id: 'call_1',
        params: { path: 'notes.txt', content: 'from the model\n' },
      });
      expect(client.ofType('tool_result')[0]).toMatchObject({ tool_id: 'call_1', success: true });
      expect(client.ofType('approval_settled')[0]).toMatchObject({ decision: 'once', reason: 'answered' });
      expect(client.ofType('assistant')[0]).toMatchObject({ content: 'Wrote notes.txt.' });
      expect(await readFile(path.join(e2e.home.projectDir, 'notes.txt'), 'utf8')).toBe('from the model\n');
      const numbered = seqs(client.frames);
      expect(numbered.length).toBeGreaterThan(6);
      expect(numbered).toEqual([...numbered].sort((a, b) => a - b));
      expect(new Set(numbered).size).toBe(numbered.length);
      for (const frame of client.frames.filter((f) => f.session_id === 'tools' && f.type !== 'ack')) {
        expect(typeof frame.seq, JSON.stringify(frame)).toBe('number');
      }
      await client.close();
    },
    LONG_TEST_MS,
  );

  it(
    'denies a tool call nobody answers in time, and the model is told',
    async () => {
      e2e.fake.enqueue(
        { toolCalls: [{ id: 'call_1', name: 'run_shell', arguments: '{"command":"echo hi"}' }] },
        { text: 'Understood.' },
      );
      await appendFile(path.join(e2e.home.dataDir, 'config.toml'), '\n[server]\napproval_timeout_ms = 300\n');
      const running = await start();
      const client = await Client.connect(running);
      await attach(client, 'slow');
      client.send({ type: 'message', session_id: 'slow', content: 'run it' });
      expect(await client.expectFrame('approval_settled')).toMatchObject({
        decision: 'deny',
        reason: 'timeout',
      });
      expect(await client.expectFrame('tool_result')).toMatchObject({ success: false });
      await client.expectFrame('cost');
      const late = client.frames.length;
      const asked = client.ofType('approval_request')[0];
      client.send({
        type: 'approval',
        session_id: 'slow',
        approval_id: asked?.approval_id,
        decision: 'once',
      });
      expect(await client.expectFrame('error', {}, late)).toMatchObject({ code: 'approval_unknown' });
      const toolMessage = (e2e.fake.requests.at(-1)?.body.messages ?? []).at(-1) as { content?: string };
      expect(toolMessage.content).toMatch(/not allowed/);
    },
    LONG_TEST_MS,
  );

  it(
    'sends every frame of a session to each attached client and queues a message sent during a turn',
    async () => {
      e2e.fake.enqueue(
        { text: ['one ', 'two ', 'three ', 'four.'], chunkDelayMs: 150 },
        { text: 'Second answer.' },
      );
      const running = await start();
      const alice = await Client.connect(running);
      const bob = await Client.connect(running);
      await attach(alice, 'shared', { caps: ['delta'] });
      await attach(bob, 'shared');
      alice.send({ type: 'message', session_id: 'shared', content: 'first' });
      await alice.expectFrame('assistant_delta');
      bob.send({ type: 'message', session_id: 'shared', content: 'second', request_id: 'b1' });
      const isQueued = (f: Frame): boolean => f.type === 'status' && String(f.message).startsWith('Queued');
      expect(await bob.next(isQueued, 'the queued notice')).toMatchObject({
        data: { queued: 1, request_id: 'b1' },
      });
      await alice.next(isQueued, 'the queued notice');
      await alice.next((f) => f.type === 'cost' && alice.ofType('cost').length === 2, 'two turns');
      await bob.next(() => bob.ofType('cost').length === 2, 'two turns');
      const common = (client: Client): Frame[] =>
        client.frames.filter((f) => ['user', 'assistant', 'cost'].includes(f.type));
      expect(common(alice).map((f) => [f.type, f.seq])).toEqual(common(bob).map((f) => [f.type, f.seq]));
      expect(common(bob).map((f) => (f.type === 'user' ? f.content : f.type))).toEqual([
        'first',
        'assistant',
        'cost',
        'second',
        'assistant',
        'cost',
      ]);
      // Deltas go only to the client that asked for them.
      expect(
        alice
          .ofType('assistant_delta')
          .map((f) => f.delta)
          .join(''),
      ).toBe('one two three four.Second answer.');
      expect(bob.ofType('assistant_delta')).toEqual([]);
      await Promise.all([alice.close(), bob.close()]);
    },
    LONG_TEST_MS,
  );

  it(
    'replays what a reconnecting client missed after since_seq',
    async () => {
      // Words: the last word of a stream is held back until it cannot be part of a secret (stream-redact.ts).
      e2e.fake.enqueue({ text: ['a ', 'b ', 'c ', 'd ', 'e ', 'f'], chunkDelayMs: 120 });
      const running = await start();
      const first = await Client.connect(running);
      const hello = first.frames[0] ?? (await first.expectFrame('hello'));
      await attach(first, 'replay', { caps: ['delta'] });
      first.send({ type: 'message', session_id: 'replay', content: 'stream please' });
      await first.next(() => first.ofType('assistant_delta').length >= 2, 'two deltas');
      const seen = Math.max(...seqs(first.frames.filter((f) => f.type === 'assistant_delta')));
      await first.close();

      const second = await Client.connect(running);
      const status = await attach(second, 'replay', {
        caps: ['delta'],
        since_seq: seen,
        instance: hello.instance,
      });
      expect(status.data).toMatchObject({ replay: { since_seq: seen, complete: true } });
      await second.expectFrame('cost');
      const got = seqs(second.frames);
      expect(got[0]).toBe(seen + 1);
      expect(got).toEqual([...got].sort((a, b) => a - b));
      expect(new Set(got).size).toBe(got.length);
      const deltas = second.ofType('assistant_delta').map((f) => f.delta);
      const before = first
        .ofType('assistant_delta')
        .filter((f) => (f.seq as number) <= seen)
        .map((f) => f.delta);
      expect([...before, ...deltas].join('')).toBe('a b c d e f');
      expect(second.ofType('assistant')[0]).toMatchObject({ content: 'a b c d e f' });

      // A seq from another server process cannot be replayed, and the client is told so.
      const third = await Client.connect(running);
      const foreign = await attach(third, 'replay', { since_seq: 3, instance: 'another-process' });
      expect(foreign.data).toMatchObject({ replay: { complete: false, frames: 0 } });
      await Promise.all([second.close(), third.close()]);
    },
    LONG_TEST_MS,
  );

  it(
    'answers malformed, unknown, binary and oversized frames with an error and stays connected (row 43)',
    async () => {
      const running = await start();
      const client = await Client.connect(running);
      const errorAfter = async (send: () => void): Promise<Frame> => {
        const from = client.frames.length;
        send();
        return client.expectFrame('error', {}, from);
      };
      expect((await errorAfter(() => client.send('{not json'))).message).toMatch(/^Invalid JSON/);
      expect((await errorAfter(() => client.send('[1,2]'))).message).toMatch(/one JSON object/);
      expect(await errorAfter(() => client.send({ type: 'launch', request_id: 'x1' }))).toMatchObject({
        request_id: 'x1',
        code: 'unknown_type',
      });
      expect((await errorAfter(() => client.send({ type: 'message', session_id: 'a' }))).message).toMatch(
        /content/,
      );
      expect(
        await errorAfter(() => client.socket.send(Buffer.from([1, 2, 3]), { binary: true })),
      ).toMatchObject({ code: 'binary_frame', message: expect.stringMatching(/Binary/) as unknown });
      expect(
        (await errorAfter(() => client.socket.send(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), { binary: false })))
          .message,
      ).toMatch(/UTF-8/);
      const huge = JSON.stringify({ type: 'message', session_id: 'a', content: 'x'.repeat(10_000_001) });
      expect(await errorAfter(() => client.send(huge))).toMatchObject({ code: 'frame_too_large' });
      expect(
        (await errorAfter(() => client.send({ type: 'message', session_id: 'nope', content: 'hi' }))).message,
      ).toMatch(/Session not found: nope/);
      client.send({ type: 'list', request_id: 'l1' });
      expect(await client.expectFrame('list', { request_id: 'l1' })).toMatchObject({ sessions: [] });
      expect(client.closed).toBe(false);
      await client.close();
    },
    LONG_TEST_MS,
  );

  it(
    'drops a client that never reads once its buffer passes the limit, and the others go on (row 43)',
    async () => {
      await appendFile(
        path.join(e2e.home.dataDir, 'config.toml'),
        '\n[server]\nclient_buffer_bytes = 65536\n',
      );
      const chunk = 'y'.repeat(100_000);
      e2e.fake.enqueue({ text: Array.from({ length: 40 }, () => chunk) });
      const running = await start();
      const sleeper = await Client.connect(running);
      await attach(sleeper, 'flood', { caps: ['delta'] });
      sleeper.socket.pause();
      const reader = await Client.connect(running);
      await attach(reader, 'flood', { caps: ['delta'] });
      reader.send({ type: 'message', session_id: 'flood', content: 'flood me' });
      const cost = await reader.expectFrame('cost');
      expect(cost).toMatchObject({ turn_status: 'finished' });
      expect((reader.ofType('assistant')[0]?.content as string).length).toBe(4_000_000);
      await running.process.waitFor(
        (p) => /dropped client ws .*does not read/.test(p.stderr),
        'the drop logged',
      );
      sleeper.socket.resume();
      await sleeper.next(() => sleeper.closed, 'the dropped client to see its connection closed');
      await reader.close();
    },
    LONG_TEST_MS,
  );
});

describe('octo server: stopping', () => {
  it(
    'stops as cleanly on SIGHUP (its terminal closed) as on SIGTERM: the turn saved, the lock and server.json gone',
    async () => {
      e2e.fake.enqueue({ text: ['Half ', 'a reply ', 'that stalls.'], stallAfter: 2 });
      const running = await start();
      const client = await Client.connect(running);
      await attach(client, 'hangup', { caps: ['delta'] });
      client.send({ type: 'message', session_id: 'hangup', content: 'start streaming' });
      await client.next(() => client.ofType('assistant_delta').length === 2, 'two deltas');
      running.process.child.kill('SIGHUP');
      const cost = await client.expectFrame('cost');
      expect(cost).toMatchObject({ turn_status: 'interrupted', requests: 1, usage_complete: false });
      const result = await running.process.exited;
      server = null;
      expect(result.code).toBe(0);
      expect(result.stderr).toContain('octo server: stopping (SIGHUP)');
      await expect(stat(path.join(e2e.home.dataDir, 'server.json'))).rejects.toMatchObject({
        code: 'ENOENT',
      });
      const shown = await e2e.home.run(['sessions', 'show', 'hangup', '--json']);
      const records = (JSON.parse(shown.stdout) as { records: Array<Record<string, unknown>> }).records;
      expect(records.at(-1)).toMatchObject({
        role: 'assistant',
        content: 'Half a reply ',
        interrupted: true,
      });
      e2e.fake.enqueue({ text: 'Free again.' });
      expect(await e2e.home.run(['run', '--resume', 'hangup', '-p', 'go on'])).toMatchObject({ code: 0 });
    },
    LONG_TEST_MS,
  );

  it(
    'finishes its clean stop when its stderr went away before the signal (the log line fails with EPIPE)',
    async () => {
      const running = await start();
      const client = await Client.connect(running);
      await attach(client, 'no-stderr');
      // `octo server 2>&1 | head -1`: the reader is gone, the next log line cannot be written.
      running.process.child.stderr?.destroy();
      running.process.child.kill('SIGTERM');
      const result = await running.process.exited;
      server = null;
      expect(result.code).toBe(0);
      await expect(stat(path.join(e2e.home.dataDir, 'server.json'))).rejects.toMatchObject({
        code: 'ENOENT',
      });
      e2e.fake.enqueue({ text: 'The lock was released.' });
      expect(await e2e.home.run(['run', '--resume', 'no-stderr', '-p', 'still mine?'])).toMatchObject({
        code: 0,
      });
    },
    LONG_TEST_MS,
  );
});

describe('octo server: the same sessions as the command line', () => {
  it(
    'a session created over WebSocket is listed and resumed by octo run once the server lets it go',
    async () => {
      e2e.fake.enqueue({ text: 'Hello over the socket.' }, { text: 'Hello from the command line.' });
      const running = await start();
      const client = await Client.connect(running);
      await attach(client, 'via-ws');
      client.send({ type: 'message', session_id: 'via-ws', content: 'first, over ws' });
      await client.expectFrame('cost');
      const busy = await e2e.home.run(['run', '--resume', 'via-ws', '-p', 'not yet']);
      expect(busy.code).toBe(1);
      expect(busy.stderr).toContain(`${running.process.child.pid}`);
      // Detaching lets the session go; the connection stays for other sessions.
      client.send({ type: 'detach', session_id: 'via-ws', request_id: 'd1' });
      await client.expectFrame('ack', { request_id: 'd1' });
      await running.process.waitFor(
        (p) => p.stderr.includes('let go of session via-ws'),
        'the session let go',
      );
      client.send({ type: 'list', request_id: 'l1' });
      expect(await client.expectFrame('list', { request_id: 'l1' })).toMatchObject({
        sessions: [expect.objectContaining({ name: 'via-ws' })],
      });

      const listed = await e2e.home.run(['sessions', 'list', '--json']);
      expect((JSON.parse(listed.stdout) as Array<{ name: string }>).map((s) => s.name)).toContain('via-ws');
      const resumed = await e2e.home.run(['run', '--resume', 'via-ws', '-p', 'second, from the cli']);
      expect(resumed).toMatchObject({ code: 0, stdout: 'Hello from the command line.\n' });
      const sent = e2e.fake.requests.at(-1)?.body.messages as Array<{ role: string; content: unknown }>;
      expect(sent.filter((m) => m.role !== 'system').map((m) => m.content)).toEqual([
        'first, over ws',
        'Hello over the socket.',
        'second, from the cli',
      ]);
      await client.close();
    },
    LONG_TEST_MS,
  );

  it(
    'a session made by octo run is resumed over WebSocket with its whole history',
    async () => {
      e2e.fake.enqueue({ text: 'Made on the command line.' }, { text: 'Continued over the socket.' });
      const made = await e2e.home.run(['run', '--name', 'via-cli', '-p', 'start here']);
      expect(made.code).toBe(0);
      const running = await start();
      const client = await Client.connect(running);
      const opened = await attach(client, 'via-cli');
      expect(opened).toMatchObject({ message: 'Session resumed: via-cli', data: { created: false } });
      expect((opened.data as { session: { messageCount: number } }).session.messageCount).toBe(2);
      client.send({ type: 'message', session_id: 'via-cli', content: 'go on' });
      expect(await client.expectFrame('assistant')).toMatchObject({ content: 'Continued over the socket.' });
      const sent = e2e.fake.requests.at(-1)?.body.messages as Array<{ role: string; content: unknown }>;
      expect(sent.filter((m) => m.role !== 'system').map((m) => m.content)).toEqual([
        'start here',
        'Made on the command line.',
        'go on',
      ]);
      client.send({ type: 'command', session_id: 'via-cli', command: 'info', args: [], request_id: 'i1' });
      const info = await client.expectFrame('status', { request_id: 'i1' });
      expect(info.data).toMatchObject({ type: 'info', info: { name: 'via-cli' } });
      client.send({ type: 'command', session_id: 'via-cli', command: 'nosuch', request_id: 'i2' });
      expect((await client.expectFrame('error', { request_id: 'i2' })).message).toMatch(
        /Unknown command: \/nosuch/,
      );
      await client.close();
    },
    LONG_TEST_MS,
  );
});
