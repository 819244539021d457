import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFakeProvider, type FakeProvider } from '../../support/fake-provider.js';
import { makeTestWorkspace, type TestWorkspace } from '../../support/workspace.js';

let fake: FakeProvider;
let tw: TestWorkspace | undefined;

beforeAll(async () => {
  fake = await startFakeProvider();
});
afterAll(async () => {
  await fake.close();
});
afterEach(async () => {
  await tw?.cleanup();
  tw = undefined;
});

async function indexState(t: TestWorkspace): Promise<{ text: string; mtimeMs: number }> {
  const file = path.join(t.dataDir, 'index.db');
  return { text: await readFile(file, 'utf8'), mtimeMs: (await stat(file)).mtimeMs };
}

describe('the summary saved when a session is opened', () => {
  it('is not written again when the session is the most recent and nothing changed', async () => {
    tw = await makeTestWorkspace({ providerUrl: fake.url });
    fake.enqueue({ text: 'hello back' });
    const first = await tw.ws.sessions.open('latest', { create: true });
    await first.submit('hello');
    tw = await tw.reopen();
    const before = await indexState(tw);
    const again = await tw.ws.sessions.open('latest');
    expect(again.summary()).toMatchObject({ name: 'latest', messageCount: 2 });
    expect(await indexState(tw)).toEqual(before);
  });

  it('moves an older session to the top when it is opened', async () => {
    tw = await makeTestWorkspace({ providerUrl: fake.url });
    await (await tw.ws.sessions.create('older')).close();
    await (await tw.ws.sessions.create('newer')).close();
    tw = await tw.reopen();
    expect((await tw.ws.sessions.list()).map((s) => s.name)).toEqual(['newer', 'older']);
    await tw.ws.sessions.open('older');
    expect((await tw.ws.sessions.list()).map((s) => s.name)).toEqual(['older', 'newer']);
  });
});
