import { access, appendFile, chmod, mkdir, rm, writeFile } from 'node:fs/promises';
import { spawn } from 'node:child_process';
import { hostname } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { containing, INIT, modeOf, objectWith, storeFixture, userMessage } from './helpers.js';

async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => child.on('exit', resolve));
  if (child.pid === undefined) throw new Error('no pid');
  return child.pid;
}

describe('doctor', () => {
  it('reports a healthy store', async () => {
    const fx = await storeFixture();
    const store = fx.store();
    const writer = await store.create(INIT);
    await writer.append(userMessage('hi'));
    const report = await store.doctor();
    await writer.close();
    expect(report).toEqual({
      ok: true,
      dataDir: fx.dataDir,
      sessions: 1,
      checks: [
        { name: 'data folder', ok: true, detail: `${fx.dataDir} is writable` },
        { name: 'permissions', ok: true, detail: 'folders 0700, files 0600' },
        { name: 'session files', ok: true, detail: '1 session file read' },
        { name: 'locks', ok: true, detail: containing(`is open in process ${process.pid}`) },
        { name: 'leftovers', ok: true, detail: 'none' },
        { name: 'index', ok: true, detail: '1 session indexed' },
      ],
      cleanable: [],
      cleaned: [],
    });
  });

  it('finds torn and damaged files, stale locks, loose permissions and index gaps', async () => {
    const fx = await storeFixture();
    const store = fx.store();
    const ids: string[] = [];
    for (const name of ['torn', 'damaged', 'locked', 'unindexed']) {
      const writer = await store.create({ ...INIT, name });
      await writer.close();
      ids.push(writer.id);
    }
    const [torn, damaged, locked, unindexed] = ids as [string, string, string, string];
    await appendFile(fx.sessionFile(torn), '{"half');
    await writeFile(fx.sessionFile(damaged), 'garbage\n{"_id":"a","seq":1,"kind":"message"}\n');
    await mkdir(`${fx.sessionFile(locked)}.lock`);
    const pid = await deadPid();
    await writeFile(
      path.join(fx.dataDir, 'sessions', `${locked}.owner.json`),
      JSON.stringify({ pid, since: '2025-03-01T09:00:00.000Z', host: hostname() }),
    );
    await store.removeSummary(unindexed);
    await store.putSummary({ ...(await store.list())[0]!, id: 's_nofilenofile' });
    await chmod(fx.sessionFile(locked), 0o644);
    store.drainWarnings();

    const report = await store.doctor();
    expect(report.ok).toBe(false);
    expect(report.sessions).toBe(4);
    const check = (name: string) => report.checks.find((c) => c.name === name);
    // The 0644 session file, and the lock folder and owner file made above with default modes.
    expect(check('permissions')).toMatchObject({ ok: true, detail: 'tightened 3 paths to 0700/0600' });
    expect(await modeOf(fx.sessionFile(locked))).toBe(0o600);
    expect(check('session files')?.ok).toBe(false);
    expect(check('session files')?.detail).toContain(`${fx.sessionFile(torn)} has a torn last line 2`);
    expect(check('session files')?.detail).toContain(`${fx.sessionFile(damaged)} is damaged at line 1`);
    expect(check('leftovers')).toMatchObject({
      ok: false,
      detail: containing(`${fx.sessionFile(locked)}.lock (a stale lock left by process ${pid} (dead)`),
    });
    expect(report.cleanable).toEqual([`${fx.sessionFile(locked)}.lock`]);
    expect(check('index')).toMatchObject({
      ok: false,
      detail: `${path.join(fx.dataDir, 'index.db')}: 1 session file was not in it, and it listed 1 session without a file; it is rebuilt from the session files on the next use, or now by \`octo doctor --reindex\``,
    });
    expect(store.drainWarnings()).toContainEqual(
      objectWith({ kind: 'permissionsTightened', path: fx.sessionFile(locked) }),
    );
  });

  it('reports a missing data folder without making it', async () => {
    const fx = await storeFixture();
    const report = await fx.store().doctor();
    expect(report).toEqual({
      ok: true,
      dataDir: fx.dataDir,
      sessions: 0,
      checks: [
        {
          name: 'data folder',
          ok: true,
          detail: `${fx.dataDir} does not exist yet; it is made on first use`,
        },
      ],
      cleanable: [],
      cleaned: [],
    });
    await expect(access(fx.dataDir)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('reports a data path that runs through a file', async () => {
    const fx = await storeFixture();
    await writeFile(path.join(fx.root, 'file'), '');
    const dataDir = path.join(fx.root, 'file', 'data');
    const report = await fx.store({ paths: { data: dataDir, userConfig: '' } }).doctor();
    expect(report.ok).toBe(false);
    expect(report.checks).toEqual([
      { name: 'data folder', ok: false, detail: `${dataDir}: not a directory (ENOTDIR)` },
    ]);
    await rm(path.join(fx.root, 'file'));
  });
});
