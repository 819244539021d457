import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useScriptedSuite } from '../../support/scripted-suite.js';
import { makeTestWorkspace, type TestWorkspace } from '../../support/workspace.js';

const suite = useScriptedSuite();

async function indexState(t: TestWorkspace): Promise<{ text: string; mtimeMs: number }> {
  const file = path.join(t.dataDir, 'index.db');
  return { text: await readFile(file, 'utf8'), mtimeMs: (await stat(file)).mtimeMs };
}

describe('the summary saved when a session is opened', () => {
  it('is not written again when the session is the most recent and nothing changed', async () => {
    const first = await makeTestWorkspace({ providerUrl: suite.fake.url });
    suite.tw = first;
    suite.fake.enqueue({ text: 'hello back' });
    await (await first.ws.sessions.open('latest', { create: true })).submit('hello');
    const tw = await first.reopen();
    suite.tw = tw;
    const before = await indexState(tw);
    const again = await tw.ws.sessions.open('latest');
    expect(again.summary()).toMatchObject({ name: 'latest', messageCount: 2 });
    expect(await indexState(tw)).toEqual(before);
  });

  it('moves an older session to the top when it is opened', async () => {
    const first = await makeTestWorkspace({ providerUrl: suite.fake.url });
    suite.tw = first;
    await (await first.ws.sessions.create('older')).close();
    await (await first.ws.sessions.create('newer')).close();
    const tw = await first.reopen();
    suite.tw = tw;
    expect((await tw.ws.sessions.list()).map((s) => s.name)).toEqual(['newer', 'older']);
    await tw.ws.sessions.open('older');
    expect((await tw.ws.sessions.list()).map((s) => s.name)).toEqual(['older', 'newer']);
  });
});
