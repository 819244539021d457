import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { StoreWarning } from '../../../src/core/api.js';
import { openListing } from '../../../src/core/listing.js';
import { useScriptedSuite } from '../../support/scripted-suite.js';
import { makeTestWorkspace, type TestWorkspace } from '../../support/workspace.js';

const suite = useScriptedSuite();

/** Three sessions: a tool call reading a file, a tool output, and plain talk. */
async function conversations(t: TestWorkspace): Promise<void> {
  await writeFile(
    path.join(t.projectDir, 'session-store.ts'),
    'export const TOKEN_TTL = 900; // tokens expire after 15 minutes\n',
  );
  const auth = await t.ws.sessions.create('auth');
  suite.fake.enqueue(
    { toolCalls: [{ id: 'c1', name: 'read_file', arguments: '{"path":"session-store.ts"}' }] },
    { text: 'Tokens expire after 15 minutes; refresh them before that.' },
  );
  await auth.submit('How long do tokens live?');
  const ui = await t.ws.sessions.create('ui');
  suite.fake.enqueue({ text: 'The login button is blue.' });
  await ui.submit('What colour is the login button?');
  const ops = await t.ws.sessions.create('ops');
  suite.fake.enqueue({ text: 'Rotate the tokens weekly. Tokens, tokens, tokens.' });
  await ops.submit('How do we rotate tokens?');
  await Promise.all([auth.close(), ui.close(), ops.close()]);
}

describe('searching sessions', () => {
  it('finds messages, tool outputs and file paths, ranked, naming the session and the record', async () => {
    suite.tw = await makeTestWorkspace({ providerUrl: suite.fake.url });
    await conversations(suite.tw);

    const byPath = await suite.tw.ws.sessions.search('session-store.ts');
    expect(byPath.map((h) => [h.sessionName, h.kind, h.toolName])).toEqual([
      ['auth', 'assistant', 'read_file'],
    ]);
    const { records } = await suite.tw.ws.sessions.show('auth');
    const call = records.find((r) => r.kind === 'message' && r.toolCalls !== undefined);
    expect(byPath[0]?.seq).toBe(call?.seq);

    const output = await suite.tw.ws.sessions.search('TOKEN_TTL');
    expect(output).toEqual([
      expect.objectContaining({
        sessionName: 'auth',
        kind: 'tool',
        snippet: 'export const TOKEN_TTL = 900; // tokens expire after 15 minutes',
        matches: [[13, 22]],
      }),
    ]);

    const ranked = await suite.tw.ws.sessions.search('tokens ');
    expect(ranked[0]).toMatchObject({ sessionName: 'ops', kind: 'assistant' });
    expect(new Set(ranked.map((h) => h.sessionName))).toEqual(new Set(['auth', 'ops']));
    expect((await suite.tw.ws.sessions.search('logi')).map((h) => h.sessionName)).toEqual(['ui', 'ui']);
    expect(await suite.tw.ws.sessions.search('login tokens')).toEqual([]);
    expect(await suite.tw.ws.sessions.search('  ')).toEqual([]);
  });

  it('leaves out the trash and other projects unless asked, and keeps the index across restarts', async () => {
    suite.tw = await makeTestWorkspace({ providerUrl: suite.fake.url });
    await conversations(suite.tw);
    await suite.tw.ws.sessions.trash('ui');
    expect(await suite.tw.ws.sessions.search('login')).toEqual([]);
    expect((await suite.tw.ws.sessions.search('login', { includeTrash: true })).length).toBe(2);
    expect(await suite.tw.ws.sessions.search('tokens', { projectId: 'p_elsewhere' })).toEqual([]);

    suite.tw = await suite.tw.reopen();
    expect((await suite.tw.ws.sessions.search('rotate')).map((h) => h.sessionName)).toEqual(['ops', 'ops']);
    expect((await suite.tw.ws.sessions.search('tokens', { limit: 1 })).length).toBe(1);
  });

  it('is rebuilt from the session files by doctor --reindex', async () => {
    suite.tw = await makeTestWorkspace({ providerUrl: suite.fake.url });
    await conversations(suite.tw);
    await rm(path.join(suite.tw.dataDir, 'search'), { recursive: true });
    expect(await suite.tw.ws.sessions.search('rotate')).toEqual([]);

    await suite.tw.ws.doctor({ reindex: true });
    expect((await suite.tw.ws.sessions.search('rotate')).map((h) => h.sessionName)).toEqual(['ops', 'ops']);
    const forked = await suite.tw.ws.sessions.fork('ops', 'ops-copy');
    expect(new Set((await suite.tw.ws.sessions.search('rotate')).map((h) => h.sessionId))).toEqual(
      new Set([forked.parentId, forked.id]),
    );
  });

  it('is rebuilt with index.db when the workspace heals a lost index', async () => {
    suite.tw = await makeTestWorkspace({ providerUrl: suite.fake.url });
    await conversations(suite.tw);
    await rm(path.join(suite.tw.dataDir, 'search'), { recursive: true });
    await rm(path.join(suite.tw.dataDir, 'index.db'));
    suite.tw = await suite.tw.reopen();

    expect((await suite.tw.ws.sessions.list()).map((s) => s.name).sort()).toEqual(['auth', 'ops', 'ui']);
    expect((await suite.tw.ws.sessions.search('rotate')).map((h) => h.sessionName)).toEqual(['ops', 'ops']);
  });

  it('is rebuilt with index.db when the light listing (octo sessions list) heals a lost index', async () => {
    suite.tw = await makeTestWorkspace({ providerUrl: suite.fake.url });
    await conversations(suite.tw);
    await rm(path.join(suite.tw.dataDir, 'search'), { recursive: true });
    await rm(path.join(suite.tw.dataDir, 'index.db'));
    const warnings: StoreWarning[] = [];
    const listing = await openListing(
      {
        env: { OCTO_HOME: suite.tw.dataDir },
        home: suite.tw.root,
        cwd: suite.tw.projectDir,
        clock: { now: () => Date.now() },
        pid: process.pid,
      },
      (warning) => warnings.push(warning),
    );
    expect((await listing.sessions.list()).map((s) => s.name).sort()).toEqual(['auth', 'ops', 'ui']);
    expect(warnings.map((w) => w.kind)).toEqual(['indexRebuilt']);

    // The workspace finds index.db whole, so the search index it reads is the one the listing rebuilt.
    suite.tw = await suite.tw.reopen();
    expect((await suite.tw.ws.sessions.search('rotate')).map((h) => h.sessionName)).toEqual(['ops', 'ops']);
  });

  it('leaves out a session whose file was damaged since it was indexed, and says so', async () => {
    suite.tw = await makeTestWorkspace({ providerUrl: suite.fake.url });
    await conversations(suite.tw);
    const warnings: StoreWarning[] = [];
    suite.tw.ws.on('store.warning', ({ warning }) => warnings.push(warning));
    const ops = await suite.tw.ws.sessions.find('ops');
    const file = path.join(suite.tw.dataDir, 'sessions', `${ops?.id ?? '?'}.db`);
    // A line in the middle that is no record: the whole file is damaged, not a torn tail.
    await writeFile(file, `not a record\n${await readFile(file, 'utf8')}`);

    const hits = await suite.tw.ws.sessions.search('tokens ');
    expect(hits.length).toBeGreaterThan(0);
    expect(new Set(hits.map((h) => h.sessionName))).toEqual(new Set(['auth']));
    expect(warnings).toContainEqual({
      kind: 'storeIssue',
      path: file,
      message: expect.stringMatching(/^Left out of search results: /) as string,
    });
  });
});
