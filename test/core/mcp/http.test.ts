import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { MessageRecord } from '../../../src/core/store/records.js';
import { startFakeProvider, type FakeProvider } from '../../support/fake-provider.js';
import type { Workspace } from '../../../src/core/api.js';
import { createWorkspace } from '../../../src/core/workspace.js';
import { testConfig } from '../../support/workspace.js';
import { EVERYTHING_SERVER, NODE, waitForStatus } from './helpers.js';

let fake: FakeProvider;
let server: ChildProcess;
let url: string;
let cleanup: (() => Promise<void>) | undefined;

/** A port nobody listens on right now (the reference server takes its port from PORT only). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === 'object' && address !== null
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}

/** Starts the reference "everything" server over streamable HTTP and waits for its "listening" line. */
async function startEverything(): Promise<{ child: ChildProcess; url: string }> {
  const port = await freePort();
  const child = spawn(NODE, [EVERYTHING_SERVER, 'streamableHttp'], {
    env: { PATH: process.env.PATH ?? '', PORT: String(port) },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  await new Promise<void>((resolve, reject) => {
    let said = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      said += chunk.toString();
      if (said.includes('listening on port')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`the everything server exited (${code}): ${said}`)));
  });
  return { child, url: `http://127.0.0.1:${port}/mcp` };
}

beforeAll(async () => {
  fake = await startFakeProvider();
  ({ child: server, url } = await startEverything());
});
afterAll(async () => {
  await fake.close();
  const exited = new Promise((resolve) => server.once('exit', resolve));
  server.kill('SIGTERM');
  await exited;
});
afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

/** A workspace with one HTTP server "remote" at `at`, sending a bearer token, using `fetchImpl`. */
async function remoteWorkspace(at: string, fetchImpl: typeof fetch = fetch): Promise<Workspace> {
  const root = await mkdtemp(path.join(tmpdir(), 'octo-mcp-http-'));
  const dataDir = path.join(root, 'data');
  const projectDir = path.join(root, 'project');
  await mkdir(projectDir, { recursive: true });
  await mkdir(dataDir, { recursive: true });
  const server = `[[mcp.servers]]\nname = "remote"\nurl = "${at}"\nheaders = { Authorization = "Bearer test-token" }\n`;
  await writeFile(path.join(dataDir, 'config.toml'), testConfig(fake.url, server));
  const ws = await createWorkspace({
    env: { OCTO_HOME: dataDir },
    home: root,
    cwd: projectDir,
    clock: { now: () => Date.now() },
    pid: process.pid,
    fetch: fetchImpl,
  });
  cleanup = async () => {
    await ws.close();
    await rm(root, { recursive: true, force: true });
  };
  return ws;
}

describe('a streamable HTTP MCP server (the reference "everything" server)', () => {
  it('connects by URL with the configured headers, lists its tools and runs one', async () => {
    const sent: string[] = [];
    // The fetch of deps reaches the MCP transport too: record the header each request carried.
    const recording: typeof fetch = (input, init) => {
      const target = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
      if (target.startsWith(url)) sent.push(new Headers(init?.headers).get('authorization') ?? '(none)');
      return fetch(input, init);
    };
    const ws = await remoteWorkspace(url, recording);
    const ready = await waitForStatus(ws, 'remote', 'ready');
    expect(ready).toMatchObject({ transport: 'http', target: url, origin: 'user' });
    expect(ready.tools).toContain('remote__echo');
    fake.enqueue(
      { toolCalls: [{ id: 'c1', name: 'remote__echo', arguments: '{"message":"over http"}' }] },
      { text: 'done' },
    );
    const handle = await ws.sessions.open('http', { create: true });
    await handle.submit('echo');
    const tool = handle.records().find((r): r is MessageRecord => r.kind === 'message' && r.role === 'tool');
    expect(tool?.content).toBe('Echo: over http');
    expect(sent.length).toBeGreaterThan(2);
    expect(new Set(sent)).toEqual(new Set(['Bearer test-token']));
  });

  it('is shown failed when it cannot be reached any more, and the session goes on', async () => {
    const own = await startEverything();
    const ws = await remoteWorkspace(own.url);
    await waitForStatus(ws, 'remote', 'ready');
    const exited = new Promise((resolve) => own.child.once('exit', resolve));
    own.child.kill('SIGKILL');
    await exited;
    fake.enqueue(
      { toolCalls: [{ id: 'c1', name: 'remote__echo', arguments: '{"message":"anyone?"}' }] },
      { text: 'It is gone.' },
    );
    const handle = await ws.sessions.open('gone', { create: true });
    expect(await handle.submit('echo')).toMatchObject({ status: 'finished', reply: 'It is gone.' });
    const tool = handle.records().find((r): r is MessageRecord => r.kind === 'message' && r.role === 'tool');
    expect(tool?.content).toMatch(/^Error: The MCP server is unavailable: it could not be reached/);
    expect(ws.mcp.list()[0]).toMatchObject({ status: 'failed', tools: [] });
  });
});
