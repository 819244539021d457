import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { errnoCode } from '../../../src/core/errors.js';
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

/** Every file under the data folder's sessions/, or [] when it was never made. */
async function sessionFiles(t: TestWorkspace): Promise<string[]> {
  try {
    return await readdir(path.join(t.dataDir, 'sessions'));
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return [];
    throw error;
  }
}

describe('the model of a new session', () => {
  it('refuses an unknown provider before any session file or index entry is made', async () => {
    tw = await makeTestWorkspace({ providerUrl: fake.url });
    const { ws } = tw;
    const refused = { code: 'provider_unknown', details: { provider: 'nope', model: 'nope:model' } };
    await expect(ws.sessions.create('x', { model: 'nope:model' })).rejects.toMatchObject(refused);
    await expect(ws.sessions.open('x', { create: true, model: 'nope:model' })).rejects.toMatchObject(refused);
    await expect(ws.sessions.create('y', { model: 'no-colon' })).rejects.toMatchObject({
      code: 'provider_unknown',
    });
    expect(await ws.sessions.list({ includeTrash: true })).toEqual([]);
    expect(await sessionFiles(tw)).toEqual([]);
  });

  it('creates a session whose provider only lacks its API key, which may be set before the first turn', async () => {
    tw = await makeTestWorkspace({ providerUrl: fake.url });
    const handle = await tw.ws.sessions.create('x', { model: 'openai:gpt-4o-mini' });
    expect(handle.model()).toBe('openai:gpt-4o-mini');
    expect((await tw.ws.sessions.list()).map((s) => [s.name, s.model])).toEqual([
      ['x', 'openai:gpt-4o-mini'],
    ]);
  });
});
