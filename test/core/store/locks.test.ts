import { spawn } from 'node:child_process';
import { mkdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import type { StoreWarning } from '../../../src/core/store/index.js';
import { INDEX_STALE_MS } from '../../../src/core/store/index-lock.js';
import { OWNERLESS_GRACE_MS } from '../../../src/core/store/session-lock.js';
import {
  anyString,
  containing,
  INIT,
  modeOf,
  objectWith,
  spawnStoreChild,
  storeFixture,
  userMessage,
} from './helpers.js';

function ownerPath(dataDir: string, id: string): string {
  return path.join(dataDir, 'sessions', `${id}.owner.json`);
}

/** The lock dir and owner file a holder leaves behind when it dies without releasing. */
async function leaveLock(
  dataDir: string,
  id: string,
  holder: { pid: number; since: string; host: string },
): Promise<string> {
  const lockDir = path.join(dataDir, 'sessions', `${id}.db.lock`);
  await mkdir(lockDir);
  await writeFile(ownerPath(dataDir, id), JSON.stringify(holder));
  return lockDir;
}

async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => child.on('exit', resolve));
  if (child.pid === undefined) throw new Error('no pid');
  return child.pid;
}

describe('two processes and one session (docs/faults.md row 9)', () => {
  it('tells the second writer who holds the session, and gives it a read-only view that follows', async () => {
    const fx = await storeFixture();
    const first = fx.store({ pid: process.pid });
    const writer = await first.create(INIT);
    const holder = { pid: process.pid, since: '2025-03-01T10:00:00.000Z', host: hostname() };
    expect(JSON.parse(await readFile(ownerPath(fx.dataDir, writer.id), 'utf8'))).toEqual(holder);
    expect(await modeOf(ownerPath(fx.dataDir, writer.id))).toBe(0o600);

    const second = fx.store({ pid: 4242 });
    const error: unknown = await second.openWriter(writer.id).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'session_locked', details: { holder } });
    expect((error as Error).message).toContain(`process ${process.pid}`);
    expect((error as Error).message).toContain('since 2025-03-01T10:00:00.000Z');

    const view = await second.openReadOnly(writer.id);
    expect(view).toMatchObject({ id: writer.id, holder, records: [{ seq: 1, kind: 'command' }] });
    await writer.append(userMessage('written meanwhile'));
    expect((await second.openReadOnly(writer.id)).records.map((r) => r.seq)).toEqual([1, 2]);

    await writer.close();
    expect((await second.openReadOnly(writer.id)).holder).toBeNull();
    const taken = await second.openWriter(writer.id);
    expect(second.drainWarnings().filter((w) => w.kind === 'staleLockTaken')).toEqual([]);
    await taken.close();
  });

  it('refuses a writer while another process holds the session', async () => {
    const fx = await storeFixture();
    const store = fx.store();
    const writer = await store.create(INIT);
    await writer.close();
    const child = spawnStoreChild(['hold', fx.dataDir, writer.id]);
    try {
      expect(await child.nextLine()).toBe('ready');
      const pid = child.process.pid;
      await expect(store.openWriter(writer.id)).rejects.toMatchObject({
        code: 'session_locked',
        details: { holder: { pid, host: hostname() } },
      });
      expect((await store.openReadOnly(writer.id)).holder).toMatchObject({ pid });
    } finally {
      child.process.stdin?.end();
      await child.exited;
    }
  });
});

describe('stale locks (docs/faults.md row 11)', () => {
  it('takes over the lock of a holder killed with kill -9, keeping what it wrote', async () => {
    const fx = await storeFixture();
    const store = fx.store();
    const created = await store.create(INIT);
    await created.close();
    const child = spawnStoreChild(['hold', fx.dataDir, created.id]);
    expect(await child.nextLine()).toBe('ready');
    const pid = child.process.pid;
    child.process.kill('SIGKILL');
    await child.exited;

    const writer = await store.openWriter(created.id);
    expect(store.drainWarnings()).toContainEqual({
      kind: 'staleLockTaken',
      sessionId: created.id,
      path: fx.sessionFile(created.id),
      holder: { pid, since: anyString(), host: hostname() },
    });
    expect(writer.records().map((r) => (r.kind === 'message' ? r.content : r.kind))).toEqual([
      'command',
      'written by the child',
    ]);
    await writer.close();
  });

  it('takes over a fresh-looking lock whose owner pid is dead on this host', async () => {
    const fx = await storeFixture();
    const store = fx.store();
    const created = await store.create(INIT);
    await created.close();
    const holder = { pid: await deadPid(), since: '2025-02-01T00:00:00.000Z', host: hostname() };
    await leaveLock(fx.dataDir, created.id, holder);
    expect((await store.openReadOnly(created.id)).holder).toBeNull();

    const writer = await store.openWriter(created.id);
    expect(store.drainWarnings()).toEqual([
      { kind: 'staleLockTaken', sessionId: created.id, path: fx.sessionFile(created.id), holder },
    ]);
    await writer.close();
  });

  it.runIf(process.platform === 'linux')(
    'takes over a lock whose owner exited but was not reaped yet (a zombie, just after kill -9)',
    async () => {
      // sh starts `cat` and becomes `sleep 30`, which never waits for it. `cat` ends only when the test
      // closes its input, after the exec: a `cat` that ended before it could be reaped by sh, which
      // waits for finished background jobs when it runs the next command (`sleep 0 &` was, once, with the
      // suite beside). `cat` reads a copy of sh's input, since a background job's own input is /dev/null.
      const parent = spawn(
        'sh',
        ['-c', 'exec 3<&0; cat <&3 >/dev/null & echo $!; exec 3<&-; exec sleep 30'],
        {
          stdio: ['pipe', 'pipe', 'ignore'],
        },
      );
      try {
        const pid = Number(
          await new Promise<string>((resolve) =>
            parent.stdout.once('data', (d: Buffer) => resolve(d.toString())),
          ),
        );
        // Within seconds, not vi.waitFor's default second: the suite beside may hold both back that long.
        const within = { timeout: 10_000 };
        await vi.waitFor(async () => {
          expect((await readFile(`/proc/${parent.pid}/comm`, 'utf8')).trim()).toBe('sleep');
        }, within);
        parent.stdin.end();
        await vi.waitFor(async () => {
          const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
          expect(stat.slice(stat.lastIndexOf(')') + 2)[0]).toBe('Z');
        }, within);
        const fx = await storeFixture();
        const store = fx.store();
        const created = await store.create(INIT);
        await created.close();
        await leaveLock(fx.dataDir, created.id, { pid, since: '2025-02-01T00:00:00.000Z', host: hostname() });
        expect((await store.openReadOnly(created.id)).holder).toBeNull();
        const writer = await store.openWriter(created.id);
        await writer.close();
      } finally {
        parent.kill('SIGKILL');
      }
    },
  );

  it('takes over a lock nobody refreshed within the stale time, whatever its owner', async () => {
    const fx = await storeFixture();
    const store = fx.store({ staleLockMs: 50 });
    const created = await store.create(INIT);
    await created.close();
    // A live pid on another machine: it cannot be checked, only the lock's age counts.
    const holder = { pid: 1, since: '2025-02-01T00:00:00.000Z', host: 'other-machine' };
    const lockDir = await leaveLock(fx.dataDir, created.id, holder);
    const anHourAgo = new Date(Date.now() - 3_600_000);
    await utimes(lockDir, anHourAgo, anHourAgo);

    const writer = await store.openWriter(created.id);
    expect(store.drainWarnings()).toEqual([
      { kind: 'staleLockTaken', sessionId: created.id, path: fx.sessionFile(created.id), holder },
    ]);
    await writer.close();
  });

  it('does not take over a fresh lock of a process on another machine', async () => {
    const fx = await storeFixture();
    const store = fx.store();
    const created = await store.create(INIT);
    await created.close();
    const holder = { pid: 999_999, since: '2025-02-01T00:00:00.000Z', host: 'other-machine' };
    await leaveLock(fx.dataDir, created.id, holder);
    await expect(store.openWriter(created.id)).rejects.toMatchObject({
      code: 'session_locked',
      details: { holder },
    });
    expect((await store.openReadOnly(created.id)).holder).toEqual(holder);
  });

  it('turns a compromised lock into a warning and refuses further writes', async () => {
    const fx = await storeFixture();
    const store = fx.store({ staleLockMs: 2_000 });
    const writer = await store.create(INIT);
    store.drainWarnings();
    // Someone removed the lock; proper-lockfile notices on its next refresh (within a second).
    await rm(`${fx.sessionFile(writer.id)}.lock`, { recursive: true });
    const seen: StoreWarning[] = [];
    await vi.waitFor(
      () => {
        seen.push(...store.drainWarnings());
        expect(seen).toContainEqual(objectWith({ kind: 'storeIssue', message: containing('Lost the lock') }));
      },
      { timeout: 5_000, interval: 50 },
    );
    await expect(writer.append(userMessage('after'))).rejects.toMatchObject({ code: 'session_locked' });
    await writer.close();
  });
});

describe('locks left by a process killed while taking them (kill-resume benchmark)', () => {
  it('takes over a session lock whose holder was killed before writing its owner file', async () => {
    const fx = await storeFixture();
    const store = fx.store();
    const created = await store.create(INIT);
    await created.close();
    const child = spawnStoreChild(['stall', fx.dataDir, created.id]);
    expect(await child.nextLine()).toBe('stalled');
    await expect(stat(`${fx.sessionFile(created.id)}.lock`)).resolves.toBeDefined();
    await expect(stat(ownerPath(fx.dataDir, created.id))).rejects.toMatchObject({ code: 'ENOENT' });
    child.process.kill('SIGKILL');
    await child.exited;

    // Within the default 10 s stale time: only the missing owner file gives the dead holder away.
    const writer = await store.openWriter(created.id);
    expect(store.drainWarnings()).toEqual([
      {
        kind: 'staleLockTaken',
        sessionId: created.id,
        path: fx.sessionFile(created.id),
        holder: { pid: 0, since: anyString(), host: '' },
      },
    ]);
    expect(writer.records().map((r) => r.kind)).toEqual(['command']);
    await writer.close();
  });

  it('takes over a lock that has gone without an owner file for longer than the grace', async () => {
    const fx = await storeFixture();
    const store = fx.store();
    const created = await store.create(INIT);
    await created.close();
    const lockDir = `${fx.sessionFile(created.id)}.lock`;
    await mkdir(lockDir);
    const aWhileAgo = new Date(Date.now() - 3 * OWNERLESS_GRACE_MS);
    await utimes(lockDir, aWhileAgo, aWhileAgo);
    expect((await store.openReadOnly(created.id)).holder).toBeNull();

    const writer = await store.openWriter(created.id);
    expect(store.drainWarnings()).toEqual([
      {
        kind: 'staleLockTaken',
        sessionId: created.id,
        path: fx.sessionFile(created.id),
        holder: { pid: 0, since: aWhileAgo.toISOString(), host: '' },
      },
    ]);
    await writer.close();
  });

  it('waits for the owner file of a lock taken a moment ago, and names the live holder it shows', async () => {
    const fx = await storeFixture();
    const store = fx.store();
    const created = await store.create(INIT);
    await created.close();
    await mkdir(`${fx.sessionFile(created.id)}.lock`);
    expect((await store.openReadOnly(created.id)).holder).toEqual({ pid: 0, since: anyString(), host: '' });

    const opening = store.openWriter(created.id).catch((e: unknown) => e);
    const holder = { pid: process.pid, since: '2025-03-01T10:00:00.000Z', host: hostname() };
    await writeFile(ownerPath(fx.dataDir, created.id), JSON.stringify(holder));
    expect(await opening).toMatchObject({ code: 'session_locked', details: { holder } });
  });

  it(
    'takes over the index lock of a process killed in the middle of an index update',
    async () => {
      const fx = await storeFixture();
      const store = fx.store();
      await (await store.create(INIT)).close();
      const child = spawnStoreChild(['stall-index', fx.dataDir, 'killed-while-creating']);
      expect(await child.nextLine()).toBe('stalled');
      await expect(stat(path.join(fx.dataDir, 'index.lock'))).resolves.toBeDefined();
      child.process.kill('SIGKILL');
      await child.exited;

      // Waits out the index lock's short stale time; with the session locks' ten seconds it gave up as busy.
      const second = await store.create({ ...INIT, name: 'after-the-kill' });
      await second.close();
      expect((await store.list()).map((s) => s.name)).toEqual(['auth-refactor', 'after-the-kill']);
    },
    INDEX_STALE_MS * 4,
  );
});
