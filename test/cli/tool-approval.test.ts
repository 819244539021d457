import { mkdir, mkdtemp, readFile, realpath, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run-cli.js';
import { startFakeProvider, type FakeProvider } from '../support/fake-provider.js';
import { testConfig } from '../support/workspace.js';
import { fakeIo, type FakeIo } from './fake-io.js';

const require = createRequire(import.meta.url);
/** The reference filesystem server from npm, run by path: no network, no PATH lookup. */
const FILESYSTEM_SERVER = require.resolve('@modelcontextprotocol/server-filesystem/dist/index.js');

let fake: FakeProvider;
let root: string;
let projectDir: string;
/** Requests before this test's own. */
let firstRequest: number;

beforeAll(async () => {
  fake = await startFakeProvider();
});
afterAll(async () => {
  await fake.close();
});
beforeEach(async () => {
  root = await realpath(await mkdtemp(path.join(tmpdir(), 'octo-allow-')));
  projectDir = path.join(root, 'project');
  await mkdir(path.join(root, 'data'), { recursive: true });
  await mkdir(projectDir);
  await writeFile(path.join(root, 'data', 'config.toml'), testConfig(fake.url));
  firstRequest = fake.requests.length;
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

function io(): FakeIo {
  return fakeIo({ cwd: projectDir, home: root, env: { OCTO_HOME: path.join(root, 'data') } });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** The tool results the model was sent in the last request (the one after its call). */
function toolResultsSent(): string[] {
  const messages = fake.requests.at(-1)?.body.messages ?? [];
  return messages.flatMap((m) =>
    isRecord(m) && m.role === 'tool' && typeof m.content === 'string' ? [m.content] : [],
  );
}

/** Names of the tools offered in this test's first request. */
function toolsOffered(): string[] {
  const tools = fake.requests[firstRequest]?.body.tools ?? [];
  return tools.flatMap((t) =>
    isRecord(t) && isRecord(t.function) && typeof t.function.name === 'string' ? [t.function.name] : [],
  );
}

const WRITE_CALL = {
  toolCalls: [{ id: 'w1', name: 'write_file', arguments: '{"path":"notes.txt","content":"written"}' }],
};

describe('tools that need approval in a -p run', () => {
  it('writes the file when --allow write grants it', async () => {
    fake.enqueue(WRITE_CALL, { text: 'Done.' });
    const run = io();
    expect(await runCli(['run', '--name', 'granted', '--allow', 'write', '-p', 'write it'], run.io)).toBe(0);
    expect(await readFile(path.join(projectDir, 'notes.txt'), 'utf8')).toBe('written');
    expect(toolResultsSent().join('\n')).not.toContain('not allowed');
  });

  it('writes nothing without --allow, and tells the model the tool was not allowed', async () => {
    fake.enqueue(WRITE_CALL, { text: 'I could not write it.' });
    const run = io();
    expect(await runCli(['run', '--name', 'refused', '-p', 'write it'], run.io)).toBe(0);
    await expect(readFile(path.join(projectDir, 'notes.txt'), 'utf8')).rejects.toMatchObject({
      code: 'ENOENT',
    });
    expect(toolResultsSent()).toEqual([
      expect.stringMatching(
        /^Error: The tool was not allowed: write_file needs the user's approval.*--allow write/,
      ),
    ]);
    expect(run.stderr()).toMatch(/✗ write_file: The tool was not allowed/);
  });

  it('refuses an unknown --allow item with a usage error before anything runs', async () => {
    const run = io();
    expect(await runCli(['run', '--name', 'x', '--allow', 'write,root', '-p', 'hi'], run.io)).toBe(2);
    expect(run.stderr()).toContain('--allow takes write, shell, mcp separated by commas, not "root".');
    expect(fake.requests).toHaveLength(firstRequest);
  });

  it('waits for MCP servers so their tools are offered, and names a server that failed', async () => {
    await writeFile(path.join(projectDir, 'readme.txt'), 'content from the filesystem server');
    const servers = [
      '[[mcp.servers]]',
      'name = "fs"',
      `command = ${JSON.stringify(process.execPath)}`,
      `args = ${JSON.stringify([FILESYSTEM_SERVER, projectDir])}`,
      '[[mcp.servers]]',
      'name = "ghost"',
      'command = "/nonexistent/octo-test-server"',
    ].join('\n');
    await writeFile(path.join(root, 'data', 'config.toml'), testConfig(fake.url, servers));
    const file = JSON.stringify({ path: path.join(projectDir, 'readme.txt') });
    fake.enqueue(
      { toolCalls: [{ id: 'm1', name: 'fs__read_text_file', arguments: file }] },
      { text: 'Read it.' },
    );
    const run = io();
    expect(await runCli(['run', '--name', 'mcp', '--allow', 'mcp', '-p', 'read the readme'], run.io)).toBe(0);
    expect(toolsOffered()).toContain('fs__read_text_file');
    expect(toolResultsSent().join('\n')).toContain('content from the filesystem server');
    const ghostLines = run
      .stderr()
      .split('\n')
      .filter((line) => line.includes('ghost'));
    expect(ghostLines).toEqual([expect.stringMatching(/^warning: MCP server ghost failed: \S/)]);
  });
});
