import { appendFile, chmod, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { INIT, modeOf, storeFixture, userMessage } from './helpers.js';

describe.skipIf(process.platform === 'win32')('permissions (docs/faults.md row 6)', () => {
  it('makes folders 0700 and files 0600, including files NeDB rewrites and lock folders', async () => {
    const fx = await storeFixture();
    const store = fx.store();
    const writer = await store.create(INIT);
    const sessions = path.join(fx.dataDir, 'sessions');
    const file = fx.sessionFile(writer.id);
    expect(await modeOf(`${file}.lock`)).toBe(0o700);
    expect(await modeOf(path.join(sessions, `${writer.id}.owner.json`))).toBe(0o600);
    const media = writer.mediaDir();
    await appendFile(file, '{"torn');
    await writer.close();
    await (await store.openWriter(writer.id)).close();

    expect(await modeOf(fx.dataDir)).toBe(0o700);
    expect(await modeOf(sessions)).toBe(0o700);
    expect(await modeOf(path.join(sessions, writer.id))).toBe(0o700);
    expect(await modeOf(media)).toBe(0o700);
    expect(await modeOf(file)).toBe(0o600);
    expect(await modeOf(path.join(fx.dataDir, 'index.db'))).toBe(0o600);
    expect(await modeOf(`${file}.torn-2025-03-01T10-00-00-000Z`)).toBe(0o600);
  });

  it('tightens existing 0644 files and 0755 folders, saying so', async () => {
    const fx = await storeFixture();
    const store = fx.store();
    const writer = await store.create(INIT);
    await writer.close();
    const file = fx.sessionFile(writer.id);
    const index = path.join(fx.dataDir, 'index.db');
    await chmod(file, 0o644);
    await chmod(index, 0o644);
    await chmod(fx.dataDir, 0o755);
    store.drainWarnings();

    const again = await store.openWriter(writer.id);
    await again.append(userMessage('hello'));
    await again.close();
    const [summary] = await store.list();
    if (summary === undefined) throw new Error('no summary');
    await store.putSummary(summary);

    expect(await modeOf(file)).toBe(0o600);
    expect(await modeOf(index)).toBe(0o600);
    expect(await modeOf(fx.dataDir)).toBe(0o700);
    expect(store.drainWarnings()).toEqual([
      { kind: 'permissionsTightened', path: fx.dataDir, from: 0o755, to: 0o700 },
      { kind: 'permissionsTightened', path: file, from: 0o644, to: 0o600 },
      { kind: 'permissionsTightened', path: index, from: 0o644, to: 0o600 },
    ]);
  });

  it('keeps a rewritten file 0600 when a 0644 NeDB temp file was left behind', async () => {
    const fx = await storeFixture();
    const store = fx.store();
    const writer = await store.create(INIT);
    await writer.close();
    const temp = `${fx.sessionFile(writer.id)}~`;
    await writeFile(temp, 'stale', { mode: 0o644 });
    await chmod(temp, 0o644);
    await (await store.openWriter(writer.id)).close();
    expect(await modeOf(fx.sessionFile(writer.id))).toBe(0o600);
  });

  it('tightens a loose media folder made by someone else', async () => {
    const fx = await storeFixture();
    const store = fx.store();
    const writer = await store.create(INIT);
    const media = path.join(fx.dataDir, 'sessions', writer.id, 'media');
    await mkdir(media, { recursive: true });
    await chmod(media, 0o755);
    store.drainWarnings();
    expect(writer.mediaDir()).toBe(media);
    expect(await modeOf(media)).toBe(0o700);
    expect(store.drainWarnings()).toEqual([
      { kind: 'permissionsTightened', path: media, from: 0o755, to: 0o700 },
    ]);
    await writer.close();
  });
});
