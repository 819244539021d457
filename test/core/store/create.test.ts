import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { INIT, spawnStoreChild, storeFixture } from './helpers.js';

async function sessionFiles(dataDir: string): Promise<string[]> {
  return (await readdir(path.join(dataDir, 'sessions'))).filter((f) => f.endsWith('.db'));
}

describe('creating sessions', () => {
  it('refuses a name a live session has, and says which', async () => {
    const fx = await storeFixture();
    const store = fx.store();
    await (await store.create(INIT)).close();
    await expect(store.create({ ...INIT, projectId: 'elsewhere' })).rejects.toMatchObject({
      code: 'session_exists',
      message: `A session named ${INIT.name} already exists.`,
    });
    expect(await sessionFiles(fx.dataDir)).toHaveLength(1);
  });

  it('allows the name of a trashed session again', async () => {
    const fx = await storeFixture();
    const store = fx.store();
    const first = await store.create(INIT);
    await first.close();
    const [summary] = await store.list();
    if (summary === undefined) throw new Error('no summary');
    await store.putSummary({ ...summary, trashedAt: '2025-03-02T00:00:00.000Z' });
    const second = await store.create(INIT);
    await second.close();
    expect((await store.list()).map((s) => [s.id, s.trashedAt])).toEqual([
      [first.id, '2025-03-02T00:00:00.000Z'],
      [second.id, null],
    ]);
  });

  it('lets exactly one of two stores racing for the same new name win (docs/faults.md row 10)', async () => {
    const fx = await storeFixture();
    const racers = [fx.store({ pid: 1001 }), fx.store({ pid: 1002 })];
    const outcomes = await Promise.allSettled(racers.map((store) => store.create(INIT)));
    const won = outcomes.filter((o) => o.status === 'fulfilled');
    const lost = outcomes.filter((o) => o.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost.map((o) => (o.reason as { code?: string }).code)).toEqual(['session_exists']);
    await Promise.all(won.map((o) => o.value.close()));
    expect((await racers[0]?.list())?.map((s) => s.name)).toEqual([INIT.name]);
    expect(await sessionFiles(fx.dataDir)).toHaveLength(1);
  });

  it('lets exactly one of two processes racing for the same new name win (docs/faults.md row 10)', async () => {
    const fx = await storeFixture();
    await (await fx.store().create({ ...INIT, name: 'warm-up' })).close();
    const children = [
      spawnStoreChild(['create', fx.dataDir, 'raced']),
      spawnStoreChild(['create', fx.dataDir, 'raced']),
    ];
    await Promise.all(children.map(async (c) => expect(await c.nextLine()).toBe('ready')));
    for (const child of children) child.process.stdin?.write('go\n');
    const results = await Promise.all(
      children.map(async (c) => JSON.parse(await c.nextLine()) as { ok: boolean; code?: string }),
    );
    await Promise.all(children.map((c) => c.exited));
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok)).toEqual([{ ok: false, code: 'session_exists' }]);
    expect((await fx.store().list()).map((s) => s.name).sort()).toEqual(['raced', 'warm-up']);
    expect(await sessionFiles(fx.dataDir)).toHaveLength(2);
  });

  it('creates distinct sessions with distinct names concurrently', async () => {
    const fx = await storeFixture();
    const store = fx.store();
    const names = ['a', 'b', 'c', 'd'];
    const writers = await Promise.all(names.map((name) => store.create({ ...INIT, name })));
    await Promise.all(writers.map((w) => w.close()));
    const listed = await store.list();
    expect(listed.map((s) => s.name).sort()).toEqual(names);
    expect(listed.map((s) => s.order).sort()).toEqual([1, 2, 3, 4]);
  });
});
