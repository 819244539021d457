/** The V8 code cache of the command line's bundle (src/cli/code-cache.ts), through the real binary. */
import { existsSync } from 'node:fs';
import { readdir, readFile, stat, truncate, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { runInThisContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { BUNDLE_HEAD } from '../../src/cli/code-cache.js';
import { BIN, REPO, useOctoHome } from './support.js';
import { startTerminal } from './tmux.js';

const e2e = useOctoHome();

async function caches(): Promise<string[]> {
  try {
    return (await readdir(path.join(e2e.home.dataDir, 'cache', 'code'))).sort();
  } catch {
    return [];
  }
}

describe('the code cache', () => {
  it('is written by the first run of a kind, private, and used as it is by the next', async () => {
    const first = await e2e.home.run(['sessions', 'list']);
    expect(first).toMatchObject({ code: 0, stderr: expect.stringContaining('No sessions of') as unknown });
    const written = await caches();
    expect(written).toHaveLength(1);
    expect(written[0]).toMatch(/^sessions-[0-9a-f]{32}\.bin$/);
    const file = path.join(e2e.home.dataDir, 'cache', 'code', written[0] ?? '');
    const before = await stat(file);
    expect(before.mode & 0o777).toBe(0o600);
    expect((await stat(path.dirname(file))).mode & 0o777).toBe(0o700);
    expect(await e2e.home.run(['sessions', 'list'])).toEqual(first);
    // Used, not rewritten: the same file, untouched.
    const after = await stat(file);
    expect([after.ino, after.mtimeMs, after.size]).toEqual([before.ino, before.mtimeMs, before.size]);

    e2e.fake.enqueue({ text: 'hello from the fake' });
    const turn = await e2e.home.run(['run', '--name', 'one', '-p', 'hi']);
    expect(turn.code).toBe(0);
    expect(turn.stdout).toContain('hello from the fake');
    expect((await caches()).map((name) => name.split('-')[0])).toEqual(['print', 'sessions']);
  });

  it('runs octo right with a truncated or a garbage cache, and replaces it', async () => {
    const first = await e2e.home.run(['sessions', 'list']);
    const [name] = await caches();
    const file = path.join(e2e.home.dataDir, 'cache', 'code', name ?? '');
    const good = await readFile(file);
    for (const damage of [
      () => truncate(file, Math.floor(good.length / 2)),
      () => writeFile(file, Buffer.alloc(good.length, 0x90)),
    ]) {
      await damage();
      expect(await e2e.home.run(['sessions', 'list'])).toEqual(first);
      const replaced = await readFile(file);
      expect(replaced.subarray(0, 18).toString('latin1')).toBe('octo code cache 1\n');
      expect(replaced.length).toBeGreaterThan(1000);
    }
  });

  it('is neither read nor written with OCTO_CODE_CACHE=0, nor after a failed run', async () => {
    const off = await e2e.home.run(['sessions', 'list'], { env: { ...e2e.home.env, OCTO_CODE_CACHE: '0' } });
    expect(off.code).toBe(0);
    expect(await caches()).toEqual([]);
    const refused = await e2e.home.run(['sessions', 'show', 'nope']);
    expect(refused.code).toBe(1);
    expect(await caches()).toEqual([]);
  });

  it('holds the neo-blessed files the workspace draws with, so its second start has them compiled', async () => {
    const bundle = path.join(REPO, 'dist', 'cjs', 'octo.js');
    const text = await readFile(bundle, 'latin1');
    // Bundled, not required from node_modules at run time (node would read and compile each file).
    expect(text).not.toMatch(/require\("neo-blessed/);
    expect(text).toContain('__octoNeoBlessedLib()+"/../usr/xterm"');
    // Its terminfo fallbacks read neo-blessed's own files, wherever node finds the package.
    expect(text.startsWith(BUNDLE_HEAD)).toBe(true);
    const [banner = ''] = text.slice(BUNDLE_HEAD.length).split('\n', 1);
    const libOf = runInThisContext(
      `(function (require, __filename) { ${banner}; return __octoNeoBlessedLib(); })`,
    ) as (require: NodeJS.Require, filename: string) => string;
    const lib = libOf(createRequire(bundle), bundle);
    expect(existsSync(path.join(lib, '..', 'usr', 'xterm-256color'))).toBe(true);

    // Quit as a user does (Ctrl-C twice): a run that ends by a signal (the terminal closed) writes no
    // cache, as it did not succeed.
    const open = async (): Promise<void> => {
      const terminal = await startTerminal(e2e.home);
      try {
        await terminal.keys(`node ${BIN}; echo EXITED $?`, 'Enter');
        // A first start on a loaded machine compiles everything: give it time (no wall-clock assert).
        await terminal.waitFor('the workspace', (screen) => screen.includes('─ Input'), 60_000);
        await terminal.keys('C-c');
        await terminal.keys('C-c');
        await terminal.waitFor('octo to quit', (screen) => screen.includes('EXITED 0'), 60_000);
      } finally {
        await terminal.close();
      }
    };
    await open();
    const [name] = (await caches()).filter((file) => file.startsWith('workspace-'));
    expect(name).toBeDefined();
    const file = path.join(e2e.home.dataDir, 'cache', 'code', name ?? '');
    const before = await stat(file);
    await open();
    const after = await stat(file);
    // Accepted by V8, so not written again.
    expect([after.ino, after.mtimeMs, after.size]).toEqual([before.ino, before.mtimeMs, before.size]);
  }, 180_000);
});
