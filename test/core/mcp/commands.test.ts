import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { splitWords } from '../../../src/core/commands/words.js';
import { useScriptedSuite } from '../../support/scripted-suite.js';
import { makeTestWorkspace } from '../../support/workspace.js';
import { fixture, NODE, waitForStatus } from './helpers.js';

const suite = useScriptedSuite();

const quoted = (text: string): string => `'${text}'`;
const USER_TOML = '# my own notes\n[limits]\nmax_session_tokens = 900000';

describe('/mcp', () => {
  it('adds a server for this run, lists it, and persists it into the user config without touching the rest', async () => {
    suite.tw = await makeTestWorkspace({ providerUrl: suite.fake.url, extraConfig: USER_TOML });
    const t = suite.tw;
    const handle = await t.ws.sessions.open('cmds', { create: true });
    expect(await handle.command('/mcp')).toEqual({ type: 'mcpServers', servers: [] });
    const added = await handle.command(
      `/mcp add extra -- ${quoted(NODE)} ${quoted(fixture('tiny-server.js'))}`,
    );
    expect(added).toMatchObject({ type: 'message', level: 'info' });
    await waitForStatus(t.ws, 'extra', 'ready');
    const listed = await handle.command('/mcp list');
    expect(listed).toMatchObject({
      type: 'mcpServers',
      servers: [
        {
          name: 'extra',
          origin: 'session',
          transport: 'stdio',
          status: 'ready',
          tools: expect.arrayContaining(['extra__add']) as unknown,
        },
      ],
    });
    expect(await handle.command('/mcp add extra -- node x.js')).toEqual({
      type: 'message',
      level: 'error',
      text: 'A server named extra already exists.',
    });

    const file = path.join(t.dataDir, 'config.toml');
    const before = await readFile(file, 'utf8');
    expect(await handle.command('/mcp persist extra')).toMatchObject({ level: 'info' });
    const after = await readFile(file, 'utf8');
    expect(after.startsWith(before)).toBe(true);
    expect(after.slice(before.length)).toBe(
      `\n\n[[mcp.servers]]\nname = "extra"\ncommand = ${JSON.stringify(NODE)}\nargs = [ ${JSON.stringify(fixture('tiny-server.js'))} ]\n`,
    );

    // makeTestWorkspace writes the file anew: give it the same text, persisted entry included.
    const again = await t.reopen({ extraConfig: `${USER_TOML}${after.slice(before.length)}` });
    expect(await readFile(file, 'utf8')).toBe(after);
    suite.tw = again;
    expect((await waitForStatus(again.ws, 'extra', 'ready')).origin).toBe('user');
  });

  it('refuses to persist when the result would not be a valid config, leaving the file as it was', async () => {
    suite.tw = await makeTestWorkspace({ providerUrl: suite.fake.url, extraConfig: '[mcp]\nservers = []' });
    const handle = await suite.tw.ws.sessions.open('cmds', { create: true });
    await handle.command(`/mcp add extra -- ${quoted(NODE)} ${quoted(fixture('tiny-server.js'))}`);
    const file = path.join(suite.tw.dataDir, 'config.toml');
    const before = await readFile(file, 'utf8');
    const result = await handle.command('/mcp persist extra');
    expect(result).toMatchObject({
      type: 'message',
      level: 'error',
      text: expect.stringMatching(/^extra was not saved: adding it would make .* invalid/) as unknown,
    });
    expect(await readFile(file, 'utf8')).toBe(before);
  });

  it.each([
    ['/mcp add x', 'Usage: /mcp add x -- COMMAND ARGS…, or /mcp add x http://HOST/mcp'],
    ['/mcp add ../x -- node a.js', 'name: a server name is up to 32 letters, digits, "_" or "-"'],
    ['/mcp persist nope', 'No server named nope.'],
    ['/mcp restart nope', 'No running or failed server named nope.'],
    ["/mcp add x -- 'node", 'Unterminated quote.'],
  ])('answers %s with an error', async (line, text) => {
    suite.tw = await makeTestWorkspace({ providerUrl: suite.fake.url });
    const handle = await suite.tw.ws.sessions.open('errors', { create: true });
    expect(await handle.command(line)).toEqual({ type: 'message', level: 'error', text });
  });

  it('restarts a failed server', async () => {
    suite.tw = await makeTestWorkspace({ providerUrl: suite.fake.url });
    const handle = await suite.tw.ws.sessions.open('restart', { create: true });
    await handle.command(`/mcp add tiny -- ${quoted(NODE)} ${quoted(fixture('tiny-server.js'))}`);
    const { pid } = await waitForStatus(suite.tw.ws, 'tiny', 'ready');
    const failed = waitForStatus(suite.tw.ws, 'tiny', 'failed');
    process.kill(pid as number, 'SIGKILL');
    await failed;
    expect(await handle.command('/mcp restart tiny')).toMatchObject({ level: 'info' });
    expect((await waitForStatus(suite.tw.ws, 'tiny', 'ready')).pid).not.toBe(pid);
  });
});

describe('splitWords', () => {
  it.each([
    ['node  server.js --root /tmp', ['node', 'server.js', '--root', '/tmp']],
    [`'/a b/node' "x \\"y\\"" c\\ d ''`, ['/a b/node', 'x "y"', 'c d', '']],
    ['', []],
  ])('splits %s', (line, words) => {
    expect(splitWords(line)).toEqual(words);
  });

  it('refuses an unterminated quote', () => {
    expect(splitWords('"open')).toBeNull();
  });
});
