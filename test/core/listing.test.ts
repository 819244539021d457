import { appendFile, mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { openListing } from '../../src/core/listing.js';
import type { StoreWarning } from '../../src/core/store/index.js';
import { reachable, staticImports } from '../support/import-graph.js';
import { makeTestWorkspace, type TestWorkspace } from '../support/workspace.js';

const coreDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../src/core');
/** Nothing listens there: listing makes no request. */
const UNUSED_PROVIDER = 'http://127.0.0.1:9/v1';

let tw: TestWorkspace | null = null;

function noWarning(warning: StoreWarning): never {
  throw new Error(`unexpected store warning: ${JSON.stringify(warning)}`);
}
afterEach(async () => {
  await tw?.cleanup();
  tw = null;
});

function listingOf(t: TestWorkspace, cwd = t.projectDir): ReturnType<typeof openListing> {
  return openListing(
    {
      env: { OCTO_HOME: t.dataDir },
      home: t.root,
      cwd,
      clock: { now: () => Date.now() },
      pid: process.pid,
    },
    noWarning,
  );
}

describe('the light listing (octo sessions list)', () => {
  it('lists what the workspace lists: this project first by recency, all projects, the trash', async () => {
    tw = await makeTestWorkspace({ providerUrl: UNUSED_PROVIDER });
    const elsewhere = await tw.ws.sessions.create('other-project');
    await elsewhere.close();
    for (const name of ['one', 'two', 'three']) await (await tw.ws.sessions.create(name)).close();
    await tw.ws.sessions.trash('two');
    const other = path.join(tw.root, 'other');
    await mkdir(other);
    await tw.ws.sessions.move('other-project', other);

    const listing = await listingOf(tw);
    expect(listing.project).toEqual(tw.ws.project);
    for (const options of [
      { projectId: tw.ws.project.id },
      {},
      { onlyTrash: true },
      { includeTrash: true, checkProjectDirs: true },
    ]) {
      expect(await listing.sessions.list(options)).toEqual(await tw.ws.sessions.list(options));
    }
    expect((await listing.sessions.list({ projectId: tw.ws.project.id })).map((s) => s.name)).toEqual([
      'three',
      'one',
    ]);
  });

  it('refuses a config file broken since it last loaded, and trusts one that did not change', async () => {
    tw = await makeTestWorkspace({ providerUrl: UNUSED_PROVIDER });
    const stamp = path.join(tw.dataDir, 'cache', 'config-checked');
    // The workspace remembered the files that loaded cleanly.
    const remembered = await readFile(stamp, 'utf8');
    // The fingerprint, then what the schema added (config/fills.ts).
    expect(remembered).toMatch(/^[0-9a-f]{64}\n\{/);
    await listingOf(tw);

    const config = path.join(tw.dataDir, 'config.toml');
    await appendFile(config, '\n[limits]\nmax_sesion_spending = 5\n');
    await expect(listingOf(tw)).rejects.toMatchObject({
      code: 'config_invalid',
      message: expect.stringContaining('limits.max_sesion_spending: unknown key') as string,
    });
    // A project file counts too, even when the user file is unchanged.
    await writeFile(
      config,
      (await readFile(config, 'utf8')).replace('max_sesion_spending', 'max_session_spending'),
    );
    await listingOf(tw);
    const projectConfig = path.join(tw.projectDir, '.octo', 'config.toml');
    await mkdir(path.dirname(projectConfig));
    await writeFile(projectConfig, 'theme = 7\n');
    await expect(listingOf(tw)).rejects.toMatchObject({ code: 'config_invalid' });
    await rm(projectConfig);
    await listingOf(tw);
    expect(await readFile(stamp, 'utf8')).not.toBe(remembered);
  });

  it('creates nothing when there is no data folder yet', async () => {
    tw = await makeTestWorkspace({ providerUrl: UNUSED_PROVIDER });
    await tw.ws.close();
    const fresh = path.join(tw.root, 'fresh-data');
    const listing = await openListing(
      {
        env: { OCTO_HOME: fresh },
        home: tw.root,
        cwd: tw.projectDir,
        clock: { now: () => Date.now() },
        pid: process.pid,
      },
      noWarning,
    );
    expect(await listing.sessions.list()).toEqual([]);
    await expect(stat(fresh)).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await readdir(tw.root)).not.toContain('fresh-data');
  });

  it('loads neither NeDB, zod nor the workspace: those are what listing would wait for', async () => {
    const graph = await reachable(path.join(coreDir, 'listing.ts'), (s) => s.startsWith('.'), true);
    const files = [...graph.keys()].map((file) => path.relative(coreDir, file));
    expect(files).toContain('store/index-read.ts');
    expect(files).not.toContain('workspace.ts');
    const heavy = [...graph].filter(([, specifiers]) =>
      specifiers.some((s) => s === 'zod' || s.startsWith('nedb') || s === 'proper-lockfile'),
    );
    expect(heavy.map(([file]) => path.relative(coreDir, file))).toEqual([]);
  });
});

describe('the workspace', () => {
  it('loads NeDB only to compact a file, never on the way to the first request or paint', async () => {
    const graph = await reachable(path.join(coreDir, 'workspace.ts'), (s) => s.startsWith('.'), true);
    const nedb = [...graph].filter(([, specifiers]) => specifiers.some((s) => s.startsWith('nedb')));
    expect(nedb.map(([file]) => path.relative(coreDir, file))).toEqual([]);
    expect(await staticImports(path.join(coreDir, 'store', 'nedb-compact.ts'))).toContain('nedb-promises');
  });
});
