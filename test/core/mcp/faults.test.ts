import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ConnectOptions } from '../../../src/core/mcp/index.js';
import { connect } from '../../../src/core/mcp/connection.js';
import type { MessageRecord } from '../../../src/core/store/records.js';
import { isTerminalSafe } from '../../../src/core/text/sanitize.js';
import { useScriptedSuite } from '../../support/scripted-suite.js';
import { makeTestWorkspace, type TestWorkspace } from '../../support/workspace.js';
import {
  alive,
  gone,
  EVERYTHING_SERVER,
  fixture,
  NODE,
  offeredTools,
  stdioServer,
  waitForStatus,
} from './helpers.js';

const suite = useScriptedSuite();

/**
 * Short timeouts, only for the fixtures that must time out (what is tested is that the timeouts exist,
 * not their default length). Healthy servers keep the defaults: a loaded machine may take seconds to
 * start one, and that is no fault.
 */
const SHORT_CONNECT = '[mcp]\nconnect_timeout_ms = 1500\n';
const SHORT_CALL = '[mcp]\ncall_timeout_ms = 800\n';

async function workspace(
  servers: string,
  options: { env?: Record<string, string>; timeouts?: string } = {},
): Promise<TestWorkspace> {
  const root = await mkdtemp(path.join(tmpdir(), 'octo-mcp-'));
  suite.tw = await makeTestWorkspace({
    providerUrl: suite.fake.url,
    root,
    env: options.env ?? {},
    extraConfig: `${options.timeouts ?? ''}${servers}`,
  });
  return suite.tw;
}

const toolMessages = (records: readonly unknown[]): MessageRecord[] =>
  (records as MessageRecord[]).filter((r) => r.kind === 'message' && r.role === 'tool');

describe('MCP server faults (docs/faults.md row 19)', () => {
  it('times out a server that never answers, and leaves none of its processes running', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'octo-mcp-'));
    const pidFile = path.join(root, 'helper.pid');
    suite.tw = await makeTestWorkspace({
      providerUrl: suite.fake.url,
      root,
      extraConfig: `${SHORT_CONNECT}${stdioServer('stuck', [fixture('hang-server.js'), pidFile])}`,
    });
    const failed = await waitForStatus(suite.tw.ws, 'stuck', 'failed');
    expect(failed.reason).toMatch(/^Starting the server took longer than 1.5 s/);
    expect(failed.tools).toEqual([]);
    // The server ignores SIGTERM and started a helper: both are gone, by the SIGKILL of the whole group,
    // and the server, octo's own child, was reaped.
    const [server, helper] = (await readFile(pidFile, 'utf8')).split(' ').map(Number);
    expect(await gone(server ?? 0)).toBe(true);
    expect(await alive(helper ?? 0)).toBe(false);
  });

  it('fails a server that writes something other than JSON-RPC to stdout', async () => {
    const t = await workspace(stdioServer('noisy', [fixture('garbage-server.js')]));
    const failed = await waitForStatus(t.ws, 'noisy', 'failed');
    expect(failed.reason).toBe(
      'it wrote something that is not JSON-RPC to stdout: "Server starting... please wait"',
    );
  });

  it('fails a server whose program does not exist, saying why', async () => {
    const t = await workspace('[[mcp.servers]]\nname = "ghost"\ncommand = "/nonexistent/mcp-server"\n');
    const failed = await waitForStatus(t.ws, 'ghost', 'failed');
    expect(failed.reason).toMatch(/ENOENT/);
  });

  it('answers a call to a crashing server with an error, marks it failed and stops offering its tools', async () => {
    const t = await workspace(stdioServer('tiny', [fixture('tiny-server.js')]));
    const { pid } = await waitForStatus(t.ws, 'tiny', 'ready');
    suite.fake.enqueue(
      { toolCalls: [{ id: 'c1', name: 'tiny__crash', arguments: '{}' }] },
      { text: 'It crashed.' },
      { text: 'ok' },
    );
    const handle = await t.ws.sessions.open('crash', { create: true });
    const failed = waitForStatus(t.ws, 'tiny', 'failed');
    const outcome = await handle.submit('crash it');
    expect(outcome.status).toBe('finished');
    expect(toolMessages(handle.records())[0]?.content).toMatch(/^Error: The MCP tool failed/);
    expect((await failed).reason).toMatch(/exited with code 7/);
    expect(await gone(pid as number)).toBe(true);
    const before = suite.fake.requests.length;
    await handle.submit('and now?');
    expect(
      offeredTools(suite.fake.requests[before]?.body as { tools: unknown[] }).filter((n) =>
        n.startsWith('tiny__'),
      ),
    ).toEqual([]);
  });

  it('times out a hung call, stops the server and tells the model', async () => {
    const t = await workspace(stdioServer('tiny', [fixture('tiny-server.js')]), { timeouts: SHORT_CALL });
    const { pid } = await waitForStatus(t.ws, 'tiny', 'ready');
    suite.fake.enqueue(
      { toolCalls: [{ id: 'c1', name: 'tiny__hang', arguments: '{}' }] },
      { text: 'It hung.' },
    );
    const handle = await t.ws.sessions.open('hang', { create: true });
    expect((await handle.submit('call it')).status).toBe('finished');
    expect(toolMessages(handle.records())[0]?.content).toBe(
      'Error: The MCP server stopped responding: it did not answer hang within 0.8 s; it was stopped.',
    );
    expect(t.ws.mcp.list()[0]).toMatchObject({
      status: 'failed',
      reason: 'it did not answer hang within 0.8 s',
    });
    expect(await gone(pid as number)).toBe(true);
  });

  it('runs a tool call through a healthy server and sanitises what it describes', async () => {
    const t = await workspace(stdioServer('tiny', [fixture('tiny-server.js')]));
    await waitForStatus(t.ws, 'tiny', 'ready');
    suite.fake.enqueue(
      { toolCalls: [{ id: 'c1', name: 'tiny__add', arguments: '{"a":2,"b":40}' }] },
      { text: '42' },
    );
    const handle = await t.ws.sessions.open('add', { create: true });
    await handle.submit('add');
    expect(toolMessages(handle.records())[0]?.content).toBe('42');
    const tools = (suite.fake.requests.at(-1)?.body.tools ?? []) as Array<{
      function: { name: string; description: string };
    }>;
    const evil = tools.find((tool) => tool.function.name === 'tiny__evil');
    expect(evil?.function.description).toBe('[MCP server tiny] Looks normal red');
    expect(tools.every((tool) => isTerminalSafe(tool.function.description))).toBe(true);
  });

  it('passes a server the allowlisted environment and its own variables, never provider keys', async () => {
    const key = 'sk-proj-abcdefghijklmnopqrstuvwxyz123456';
    const env = { OPENAI_API_KEY: key, PATH: '/usr/bin:/bin', SOME_TOKEN: 'hunter2-hunter2' };
    const t = await workspace(
      stdioServer('every', [EVERYTHING_SERVER, 'stdio'], 'env = { MARKER = "from-config" }'),
      { env },
    );
    await waitForStatus(t.ws, 'every', 'ready');
    suite.fake.enqueue(
      { toolCalls: [{ id: 'c1', name: 'every__get-env', arguments: '{}' }] },
      { text: 'ok' },
    );
    const handle = await t.ws.sessions.open('env', { create: true });
    await handle.submit('env?');
    const seen = JSON.parse(toolMessages(handle.records())[0]?.content ?? '{}') as Record<string, string>;
    expect(seen.MARKER).toBe('from-config');
    expect(seen.PATH).toBe('/usr/bin:/bin');
    expect(seen.OPENAI_API_KEY).toBeUndefined();
    expect(seen.SOME_TOKEN).toBeUndefined();
    expect(seen.OCTO_HOME).toBeUndefined();
  });
});

describe('the error a failed connection gives', () => {
  const options = (cwd: string, timeoutMs: number): ConnectOptions => ({
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
    cwd,
    timeoutMs,
    callTimeoutMs: 120_000,
    signal: new AbortController().signal,
    onClosed: () => undefined,
  });
  const spec = (name: string, args: string[]) => ({
    name,
    command: NODE,
    args,
    env: {},
    headers: {},
    enabled: true,
  });

  it('is mcp_timeout for a server that never answers, mcp_failed for one that breaks the protocol', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'octo-mcp-'));
    suite.tw = await makeTestWorkspace({ providerUrl: suite.fake.url, root });
    const pidFile = path.join(root, 'helper.pid');
    await expect(
      connect(spec('stuck', [fixture('hang-server.js'), pidFile]), options(root, 1500)),
    ).rejects.toMatchObject({
      code: 'mcp_timeout',
      message: expect.stringMatching(/took longer than 1.5 s/) as string,
    });
    const [server, helper] = (await readFile(pidFile, 'utf8')).split(' ').map(Number);
    expect(await gone(server ?? 0)).toBe(true);
    expect(await alive(helper ?? 0)).toBe(false);
    await expect(
      connect(spec('noisy', [fixture('garbage-server.js')]), options(root, 120_000)),
    ).rejects.toMatchObject({ code: 'mcp_failed', message: expect.stringMatching(/not JSON-RPC/) as string });
  });
});
