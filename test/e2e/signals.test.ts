/**
 * Signals through the real binary (docs/faults.md row 37): a closed terminal (SIGHUP) ends a turn
 * as SIGTERM does, the partial reply saved as interrupted and the lock released; the shell commands of
 * an octo killed with SIGKILL are stopped by the next octo to start.
 */
import { existsSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import type { MessageRecord, SessionRecord } from '../../src/core/api.js';
import { processStart } from '../../src/core/tools/index.js';
import { EVERYTHING_SERVER, stdioServer } from '../core/mcp/helpers.js';
import { BIN, e2eConfig, useOctoHome } from './support.js';
import { startTerminal, type TmuxTerminal } from './tmux.js';

const e2e = useOctoHome();
let terminal: TmuxTerminal | null = null;
afterEach(async () => {
  await terminal?.close();
  terminal = null;
});

async function messages(name: string): Promise<MessageRecord[]> {
  const shown = await e2e.home.run(['sessions', 'show', name, '--json']);
  expect(shown.code).toBe(0);
  const { records } = JSON.parse(shown.stdout) as { records: SessionRecord[] };
  return records.filter((r): r is MessageRecord => r.kind === 'message');
}

/** Locks and owner files left in the sessions folder. */
async function leftovers(): Promise<string[]> {
  const names = await readdir(path.join(e2e.home.dataDir, 'sessions'));
  return names.filter((name) => name.endsWith('.lock') || name.includes('.owner.json'));
}

/** The pids of the process groups noted under the data folder, once `count` are noted. */
async function notedGroups(count: number): Promise<number[]> {
  const dir = path.join(e2e.home.dataDir, 'children');
  for (;;) {
    const names = (await readdir(dir).catch(() => [])).filter((n) => n.endsWith('.json'));
    if (names.length >= count) return names.map((n) => Number(/-(\d+)\.json$/.exec(n)?.[1]));
    await delay(50);
  }
}

/** Resolves once no process runs under `pid` (a zombie counts as gone); polls, as nothing else tells. */
async function gone(pid: number): Promise<void> {
  while ((await processStart(pid)) !== null) await delay(50);
}

const slowReply = { text: ['Half of ', 'the answer', ' and the rest', ' never comes.'], chunkDelayMs: 400 };

describe('SIGHUP (the terminal closed) during a turn', () => {
  it('-p saves the partial reply as interrupted, releases the lock and exits 129', async () => {
    e2e.fake.enqueue(slowReply);
    const child = e2e.home.spawn(['run', '--name', 'hup', '-p', 'go on']);
    await child.waitFor((p) => p.stdout.includes('Half of'), 'the first streamed text');
    child.child.kill('SIGHUP');
    const result = await child.exited;
    expect(result).toMatchObject({ code: 129, signal: null });
    expect(await leftovers()).toEqual([]);
    const stored = await messages('hup');
    expect(stored.map((m) => m.role)).toEqual(['user', 'assistant']);
    expect(stored[1]).toMatchObject({ interrupted: true });
    expect(stored[1]?.content.startsWith('Half of')).toBe(true);
  });

  it('the workspace saves the partial reply as interrupted and releases the lock when its terminal closes', async () => {
    e2e.fake.enqueue(slowReply);
    terminal = await startTerminal(e2e.home, ['node', BIN, 'run', '--name', 'tui-hup']);
    const pid = await terminal.panePid();
    await terminal.waitFor('the input', (s) => s.includes('─ Input'));
    await terminal.keys('go on', 'Enter');
    await terminal.waitFor('the reply streaming', (s) => s.includes('Half of'));
    await terminal.close();
    await gone(pid);
    expect(await leftovers()).toEqual([]);
    const stored = await messages('tui-hup');
    expect(stored.map((m) => m.role)).toEqual(['user', 'assistant']);
    expect(stored[1]).toMatchObject({ interrupted: true });
  });
});

describe('kill -9 of octo during a foreground shell command', () => {
  // Three runs of octo and a group given a second to stop: more than the default limit on a loaded machine.
  it('leaves the command running, and the next octo to start stops it', { timeout: 40_000 }, async () => {
    const pidFile = path.join(e2e.home.projectDir, 'child.pid');
    e2e.fake.enqueue({
      toolCalls: [
        {
          id: 's1',
          name: 'run_shell',
          arguments: JSON.stringify({ command: 'echo $$ > child.pid; sleep 600' }),
        },
      ],
    });
    const octo = e2e.home.spawn(['run', '--name', 'killed', '--allow', 'shell', '-p', 'run it']);
    await octo.waitFor((p) => p.stderr.includes('run_shell'), 'the command to start');
    while (!existsSync(pidFile) || (await readFile(pidFile, 'utf8')).trim() === '') await delay(50);
    const shell = Number((await readFile(pidFile, 'utf8')).trim());
    // octo notes the group just after starting it; a kill in the moment between is not covered.
    expect(await notedGroups(1)).toEqual([shell]);
    octo.child.kill('SIGKILL');
    await octo.exited;
    // Nothing could stop it: its octo is gone.
    expect(await processStart(shell)).not.toBeNull();

    e2e.fake.enqueue({ text: 'next run' });
    expect(await e2e.home.run(['run', '--name', 'next', '-p', 'hi'])).toMatchObject({ code: 0 });
    expect(await processStart(shell)).toBeNull();
    expect(await readdir(path.join(e2e.home.dataDir, 'children'))).toEqual([]);
  });
});

describe('kill -9 of octo while an MCP server runs', () => {
  it('the next octo to start stops the server', { timeout: 40_000 }, async () => {
    const server = stdioServer('everything', [EVERYTHING_SERVER, 'stdio']);
    await writeFile(path.join(e2e.home.dataDir, 'config.toml'), e2eConfig(e2e.fake.url, server));
    e2e.fake.enqueue(slowReply);
    const octo = e2e.home.spawn(['run', '--name', 'mcp-killed', '-p', 'go on']);
    const [pid] = await notedGroups(1);
    octo.child.kill('SIGKILL');
    await octo.exited;
    expect(await processStart(pid ?? 0)).not.toBeNull();

    e2e.fake.enqueue({ text: 'next run' });
    expect(await e2e.home.run(['run', '--name', 'next', '-p', 'hi'])).toMatchObject({ code: 0 });
    expect(await processStart(pid ?? 0)).toBeNull();
    // The next run's own server was stopped and forgotten when it ended.
    expect(await readdir(path.join(e2e.home.dataDir, 'children'))).toEqual([]);
  });
});
