/**
 * docs/faults.md rows 4 and 5: a full disk and an unwritable data folder leave
 * nothing behind and save nothing half; doctor tells the truth about leftovers, damage and stale
 * locks, and removes what is safe to remove. Run on a real full disk (a tmpfs) and, for permissions,
 * as an unprivileged user (CI runs as root, which no permission stops).
 */
import { spawn } from 'node:child_process';
import { chmod, mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SessionRecord } from '../../src/core/api.js';
import { handOver, runUnprivileged } from '../support/unprivileged.js';
import { onFullDisk } from './full-disk.js';
import { BIN, useOctoHome, type OctoResult } from './support.js';

const e2e = useOctoHome();
const STACK_LINE = /^\s+at /m;

function expectCleanFailure(result: Pick<OctoResult, 'code' | 'stderr'>): void {
  expect(result.code).toBe(1);
  expect(result.stderr).not.toMatch(STACK_LINE);
  expect(result.stderr).not.toContain('internal error');
}

async function userTexts(dataDir: string, id: string): Promise<string[]> {
  const text = await readFile(path.join(dataDir, 'sessions', `${id}.db`), 'utf8');
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as SessionRecord)
    .flatMap((r) => (r.kind === 'message' && r.role === 'user' ? [r.content] : []));
}

async function sessionId(name: string): Promise<string> {
  const shown = await e2e.home.run(['sessions', 'show', name, '--json']);
  expect(shown.code, shown.stderr).toBe(0);
  return (JSON.parse(shown.stdout) as { session: { id: string } }).session.id;
}

async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => child.on('exit', resolve));
  if (child.pid === undefined) throw new Error('no pid');
  return child.pid;
}

/** Each test runs the binary several times, a fresh node process each. */
describe('leftovers, a full disk and an unwritable folder (issue 11 item 11)', { timeout: 120_000 }, () => {
  it('row 4: a turn on a full disk fails visibly, saves nothing half, and leaves nothing behind', async () => {
    e2e.fake.enqueue({ text: 'Saved.' });
    expect((await e2e.home.run(['run', '--name', 'known', '-p', 'before the disk filled'])).code).toBe(0);
    const known = await sessionId('known');
    e2e.fake.setFallback({ text: 'a reply that must not be claimed' });

    const run = await onFullDisk(e2e.home, [
      { args: ['run', '--name', 'fresh', '-p', 'on a full disk'] },
      { args: ['run', '--name', 'known', '-p', 'also on a full disk'] },
      { args: ['doctor'], freeFirst: true },
    ]);
    try {
      e2e.fake.setFallback(null);
      const [fresh, again, doctor] = run.steps as [OctoResult, OctoResult, OctoResult];
      for (const result of [fresh, again]) {
        expectCleanFailure(result);
        expect(result.stderr).toContain('no space left on device (ENOSPC)');
        expect(result.stdout).toBe('');
      }
      // Nothing half-made: no temp files, owner files or locks, no file for the session never created.
      const left = await readdir(path.join(run.dataDir, 'sessions'));
      expect(left.filter((name) => /~$|\.owner\.json$|\.lock$/.test(name))).toEqual([]);
      expect(left.filter((name) => name.endsWith('.db'))).toEqual([`${known}.db`]);
      expect(await userTexts(run.dataDir, known)).toEqual(['before the disk filled']);
      expect(doctor.stdout).toContain('All checks passed.');
      expect(doctor.code).toBe(0);
    } finally {
      await rm(run.root, { recursive: true, force: true });
    }
  });

  it('doctor reports leftovers and stale locks truthfully, and --clean removes what is safe', async () => {
    e2e.fake.enqueue({ text: 'One.' });
    expect((await e2e.home.run(['run', '--name', 'kept', '-p', 'keep me'])).code).toBe(0);
    const kept = await sessionId('kept');
    const sessions = path.join(e2e.home.dataDir, 'sessions');
    const file = (name: string): string => path.join(sessions, name);
    const pid = await deadPid();
    const owner = JSON.stringify({ pid, since: '2025-01-01T00:00:00.000Z', host: hostname() });
    // What a full disk and kill -9 left behind, as found in the issue.
    await writeFile(file('s_nevercreated.owner.json~'), '', { mode: 0o600 });
    await writeFile(file('s_nevercreated.owner.json'), owner, { mode: 0o600 });
    await writeFile(file(`${kept}.owner.json~`), '', { mode: 0o600 });
    await writeFile(file(`${kept}.db~`), '{"half', { mode: 0o600 });
    await mkdir(file(`${kept}.db.lock`), { mode: 0o700 });
    await writeFile(file(`${kept}.owner.json`), owner, { mode: 0o600 });
    await writeFile(`${path.join(e2e.home.dataDir, 'index.db')}~`, 'partial', { mode: 0o600 });
    const leftovers = [
      file('s_nevercreated.owner.json~'),
      file('s_nevercreated.owner.json'),
      file(`${kept}.owner.json~`),
      file(`${kept}.db~`),
      file(`${kept}.db.lock`),
      `${path.join(e2e.home.dataDir, 'index.db')}~`,
    ];

    const doctor = await e2e.home.run(['doctor']);
    expect(doctor.code).toBe(1);
    for (const leftover of leftovers) expect(doctor.stdout).toContain(leftover);
    expect(doctor.stdout).toContain(`a stale lock left by process ${pid} (dead)`);
    expect(doctor.stdout).toContain('6 leftovers can be removed safely: octo doctor --clean');

    const cleaned = await e2e.home.run(['doctor', '--clean']);
    expect(cleaned.code, cleaned.stdout).toBe(0);
    for (const leftover of leftovers) expect(cleaned.stdout).toContain(`removed  ${leftover}`);
    expect(await readdir(sessions)).toEqual([`${kept}.db`]);
    const after = await e2e.home.run(['doctor']);
    expect(after).toMatchObject({ code: 0 });
    expect(after.stdout).toContain('All checks passed.');
    // The session itself was never touched.
    e2e.fake.enqueue({ text: 'Still here.' });
    const resumed = await e2e.home.run(['run', '--resume', 'kept', '-p', 'still there?']);
    expect(resumed).toMatchObject({ code: 0, stdout: 'Still here.\n' });
  });

  it('row 5: an unwritable data folder refuses the turn before writing anything; doctor still counts its sessions', async () => {
    const home = e2e.home;
    await handOver(home.root);
    const octo = (args: string[]) =>
      runUnprivileged(process.execPath, [BIN, ...args], { cwd: home.projectDir, env: home.env });
    e2e.fake.enqueue({ text: 'First.' });
    expect(await octo(['run', '--name', 'ro', '-p', 'first'])).toMatchObject({ code: 0, stdout: 'First.\n' });
    const id = (
      JSON.parse((await octo(['sessions', 'show', 'ro', '--json'])).stdout) as { session: { id: string } }
    ).session.id;
    const before = await readFile(path.join(home.dataDir, 'sessions', `${id}.db`));
    const requests = e2e.fake.requests.length;

    await chmod(home.dataDir, 0o500);
    try {
      const refused = await octo(['run', '--resume', 'ro', '-p', 'second']);
      expectCleanFailure(refused);
      expect(refused.stderr).toContain(
        `octo: Cannot write to the data folder ${home.dataDir}: permission denied (EACCES)`,
      );
      expect(refused.stderr).not.toContain('could not be updated');
      expect(refused.stdout).toBe('');
      expect(e2e.fake.requests.length).toBe(requests);
      expect(await readFile(path.join(home.dataDir, 'sessions', `${id}.db`))).toEqual(before);

      const doctor = await octo(['doctor']);
      expect(doctor.code).toBe(1);
      expect(doctor.stdout).toContain(`Data folder ${home.dataDir}: 1 session`);
      expect(doctor.stdout).toContain(`${home.dataDir} cannot be written (permission denied (EACCES))`);
    } finally {
      await chmod(home.dataDir, 0o700);
    }
  });
});
