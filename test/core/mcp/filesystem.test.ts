import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { MessageRecord } from '../../../src/core/store/records.js';
import { useScriptedSuite } from '../../support/scripted-suite.js';
import { makeTestWorkspace, type TestWorkspace } from '../../support/workspace.js';
import { gone, FILESYSTEM_SERVER, offeredTools, stdioServer, waitForStatus } from './helpers.js';

const suite = useScriptedSuite();

async function withFilesystemServer(): Promise<TestWorkspace> {
  const root = await mkdtemp(path.join(tmpdir(), 'octo-mcp-'));
  const projectDir = path.join(root, 'project');
  suite.tw = await makeTestWorkspace({
    providerUrl: suite.fake.url,
    root,
    extraConfig: stdioServer('fs', [FILESYSTEM_SERVER, projectDir]),
  });
  await writeFile(path.join(projectDir, 'notes.md'), 'the deploy key rotates every Tuesday\n');
  return suite.tw;
}

describe('the reference filesystem MCP server', () => {
  it('is connected in the background, its tools offered as fs__TOOL, and its result returns into the conversation', async () => {
    const t = await withFilesystemServer();
    const ready = await waitForStatus(t.ws, 'fs', 'ready');
    expect(ready).toMatchObject({ name: 'fs', origin: 'user', transport: 'stdio', status: 'ready' });
    expect(ready.tools).toContain('fs__read_text_file');
    const file = path.join(t.projectDir, 'notes.md');
    suite.fake.enqueue(
      { toolCalls: [{ id: 'c1', name: 'fs__read_text_file', arguments: JSON.stringify({ path: file }) }] },
      { text: 'It rotates on Tuesdays.' },
    );
    const handle = await t.ws.sessions.open('mcp-read', { create: true });
    const before = suite.fake.requests.length;
    const outcome = await handle.submit('When does the deploy key rotate?');
    expect(outcome).toMatchObject({ status: 'finished', reply: 'It rotates on Tuesdays.' });
    const tool = handle.records().find((r): r is MessageRecord => r.kind === 'message' && r.role === 'tool');
    expect(tool).toMatchObject({
      toolName: 'fs__read_text_file',
      content: 'the deploy key rotates every Tuesday\n',
    });
    const second = suite.fake.requests[before + 1]?.body as {
      messages: Array<{ role: string; content: string }>;
      tools: unknown[];
    };
    expect(second.messages.at(-1)).toMatchObject({
      role: 'tool',
      content: 'the deploy key rotates every Tuesday\n',
    });
    expect(offeredTools(second)).toContain('fs__read_text_file');
  });

  it('can be waited for before a one-shot turn (octo run -p), the wait ending for failed servers too', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'octo-mcp-'));
    const projectDir = path.join(root, 'project');
    const servers = `${stdioServer('fs', [FILESYSTEM_SERVER, projectDir])}\n[[mcp.servers]]\nname = "ghost"\ncommand = "/nonexistent/server"\n`;
    suite.tw = await makeTestWorkspace({ providerUrl: suite.fake.url, root, extraConfig: servers });
    const settled = await suite.tw.ws.mcp.settled();
    expect(settled.map((s) => [s.name, s.status])).toEqual([
      ['fs', 'ready'],
      ['ghost', 'failed'],
    ]);
  });

  it('is shown failed when killed, its tools withdrawn, and the session keeps working', async () => {
    const t = await withFilesystemServer();
    const { pid } = await waitForStatus(t.ws, 'fs', 'ready');
    expect(pid).toBeTypeOf('number');
    const failed = waitForStatus(t.ws, 'fs', 'failed');
    process.kill(pid as number, 'SIGKILL');
    expect(await failed).toMatchObject({
      status: 'failed',
      tools: [],
      reason: expect.stringMatching(/killed by SIGKILL/) as unknown,
    });
    expect(await gone(pid as number)).toBe(true);

    suite.fake.enqueue({ text: 'Still here.' });
    const handle = await t.ws.sessions.open('after-crash', { create: true });
    const before = suite.fake.requests.length;
    expect(await handle.submit('hello?')).toMatchObject({ status: 'finished', reply: 'Still here.' });
    const tools = offeredTools(suite.fake.requests[before]?.body as { tools: unknown[] });
    expect(tools).toContain('read_file');
    expect(tools.filter((name) => name.startsWith('fs__'))).toEqual([]);
  });
});
