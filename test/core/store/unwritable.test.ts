import { chmod, mkdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { callUnprivileged, handOver } from '../../support/unprivileged.js';
import { INIT, storeFixture, summary } from './helpers.js';

/** Runs as an unprivileged user: root would write the folder whatever its mode. */
const OPS = path.join(import.meta.dirname, 'fixtures', 'unprivileged-ops.ts');

describe('a data folder that cannot be written (docs/faults.md row 5)', () => {
  it('names the path and "not a directory" when a file is in the way', async () => {
    const fx = await storeFixture();
    const blocker = path.join(fx.root, 'blocker');
    await writeFile(blocker, 'a file, not a folder');
    const dataDir = path.join(blocker, 'data');
    const store = fx.store({ paths: { data: dataDir, userConfig: path.join(fx.root, 'config.toml') } });
    const expected = {
      code: 'store_unwritable',
      message: `Cannot write to the data folder ${dataDir}: not a directory (ENOTDIR)`,
      details: { path: dataDir, code: 'ENOTDIR' },
    };
    await expect(store.create(INIT)).rejects.toMatchObject(expected);
    await expect(store.openWriter('s_aaaaaaaaaaaa')).rejects.toMatchObject(expected);
    await expect(store.putSummary(summary('s_aaaaaaaaaaaa', { name: 'x' }))).rejects.toMatchObject(expected);
    await expect(store.list()).rejects.toMatchObject(expected);
  });

  it('names the path and "permission denied" for a read-only folder', async () => {
    const fx = await storeFixture();
    await mkdir(fx.dataDir, { mode: 0o700 });
    await handOver(fx.root);
    await chmod(fx.dataDir, 0o500);
    try {
      expect(await callUnprivileged(OPS, 'createSession', [fx.dataDir, INIT.name], fx.root)).toMatchObject({
        ok: false,
        code: 'store_unwritable',
        message: `Cannot write to the data folder ${fx.dataDir}: permission denied (EACCES)`,
      });
    } finally {
      await chmod(fx.dataDir, 0o700);
    }
  });
});

describe('listing the sessions of a data folder (docs/faults.md row 5)', () => {
  it('lists a data folder that does not exist yet as empty, without making it', async () => {
    const fx = await storeFixture();
    expect(await fx.store().list()).toEqual([]);
    await expect(stat(fx.dataDir)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('names the path and "not a directory" when the data folder is a file', async () => {
    const fx = await storeFixture();
    await writeFile(fx.dataDir, 'a file, not a folder');
    await expect(fx.store().list()).rejects.toMatchObject({
      code: 'store_unwritable',
      message: `Cannot write to the data folder ${fx.dataDir}: not a directory (ENOTDIR)`,
      details: { path: fx.dataDir, code: 'ENOTDIR' },
    });
  });

  it('names the path and "permission denied" for an unreadable folder', async () => {
    const fx = await storeFixture();
    await mkdir(fx.dataDir, { mode: 0o700 });
    await handOver(fx.root);
    await chmod(fx.dataDir, 0o000);
    try {
      expect(await callUnprivileged(OPS, 'listSessions', [fx.dataDir], fx.root)).toMatchObject({
        ok: false,
        code: 'store_io',
        message: `Could not read ${fx.dataDir}: permission denied (EACCES)`,
      });
    } finally {
      await chmod(fx.dataDir, 0o700);
    }
  });
});
