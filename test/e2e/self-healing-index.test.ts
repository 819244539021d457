/**
 * docs/faults.md row 35: index.db is a cache. Deleted, truncated or garbage, it is rebuilt
 * from the session files by itself, with a notice; no session is lost and no name is taken twice.
 */
import { copyFile, readFile, readdir, rm, truncate, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SessionRecord, SessionSummary } from '../../src/core/api.js';
import { useOctoHome } from './support.js';

const e2e = useOctoHome();

async function turn(args: string[], reply: string): Promise<void> {
  e2e.fake.enqueue({ text: reply });
  const result = await e2e.home.run([...args]);
  expect(result, result.stderr).toMatchObject({ code: 0, stdout: `${reply}\n` });
}

async function sessionFiles(): Promise<string[]> {
  const names = await readdir(path.join(e2e.home.dataDir, 'sessions'));
  return names.filter((n) => n.endsWith('.db')).sort();
}

async function listed(): Promise<{ names: string[]; stderr: string }> {
  const result = await e2e.home.run(['sessions', 'list', '--json']);
  expect(result.code, result.stderr).toBe(0);
  const sessions = JSON.parse(result.stdout) as SessionSummary[];
  return { names: sessions.map((s) => s.name).sort(), stderr: result.stderr };
}

async function userTexts(name: string): Promise<string[]> {
  const shown = await e2e.home.run(['sessions', 'show', name, '--json']);
  expect(shown.code, shown.stderr).toBe(0);
  const { records } = JSON.parse(shown.stdout) as { records: SessionRecord[] };
  return records.flatMap((r) => (r.kind === 'message' && r.role === 'user' ? [r.content] : []));
}

const index = (): string => path.join(e2e.home.dataDir, 'index.db');

const DAMAGE: Array<[string, () => Promise<void>]> = [
  ['deleted', () => rm(index())],
  ['truncated to nothing', () => truncate(index(), 0)],
  [
    'cut in the middle of a line',
    async () => {
      const size = (await readFile(index())).length;
      await truncate(index(), Math.floor(size / 2));
    },
  ],
  ['garbage', () => writeFile(index(), 'not json at all\n\u0000\u0001\u0002 garbage\n{"half":')],
];

/** Each test runs the binary several times, a fresh node process each. */
describe('a lost or damaged index.db (docs/faults.md row 35)', { timeout: 90_000 }, () => {
  it.each(DAMAGE)('rebuilds it when %s, with a notice, losing no session', async (_how, damage) => {
    await turn(['run', '--name', 'alpha', '-p', 'first alpha'], 'A1.');
    await turn(['run', '--name', 'beta', '-p', 'first beta'], 'B1.');
    await damage();

    const afterDamage = await listed();
    expect(afterDamage.names).toEqual(['alpha', 'beta']);
    expect(afterDamage.stderr).toContain(`warning: The session index ${index()} was rebuilt`);
    // Once rebuilt, it is whole again: no further notice.
    expect((await listed()).stderr).toBe('');

    await turn(['run', '--resume', 'alpha', '-p', 'second alpha'], 'A2.');
    expect(await userTexts('alpha')).toEqual(['first alpha', 'second alpha']);
  });

  it('resumes the existing session on run --name NAME after index.db was deleted, never making a second', async () => {
    await turn(['run', '--name', 'auth', '-p', 'day one'], 'D1.');
    const before = await sessionFiles();
    await rm(index());

    await turn(['run', '--name', 'auth', '-p', 'day two'], 'D2.');
    expect(await sessionFiles()).toEqual(before);
    expect(await userTexts('auth')).toEqual(['day one', 'day two']);
    // The request carried day one: the history was not hidden.
    const sent = JSON.stringify(e2e.fake.requests.at(-1)?.body.messages);
    expect(sent).toContain('day one');
  });

  it('keeps two sessions that carry one name both reachable, and says so', async () => {
    await turn(['run', '--name', 'twin', '-p', 'the original'], 'O.');
    const [original] = await sessionFiles();
    if (original === undefined) throw new Error('no session file');
    // What the old bug left behind: a second file whose create record has the same name.
    const copyId = 's_duplicateaaa';
    const lines = (await readFile(path.join(e2e.home.dataDir, 'sessions', original), 'utf8'))
      .replaceAll(original.replace(/\.db$/, ''), copyId)
      .replace('the original', 'the copy');
    await writeFile(path.join(e2e.home.dataDir, 'sessions', `${copyId}.db`), lines, { mode: 0o600 });
    await copyFile(index(), `${index()}.bak`);
    await rm(index());

    const result = await e2e.home.run(['doctor', '--reindex']);
    expect(result.stdout + result.stderr).toContain('twin');
    expect(result.stderr).toMatch(/Two sessions were named twin: .* keeps the name; .* is now twin-2/);
    expect((await listed()).names).toEqual(['twin', 'twin-2']);
    expect(await userTexts('twin')).toEqual(['the original']);
    expect(await userTexts('twin-2')).toEqual(['the copy']);
  });
});
