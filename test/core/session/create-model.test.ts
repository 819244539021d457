import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { errnoCode } from '../../../src/core/errors.js';
import { useScriptedSuite } from '../../support/scripted-suite.js';
import { makeTestWorkspace, type TestWorkspace } from '../../support/workspace.js';

const suite = useScriptedSuite();

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
    suite.tw = await makeTestWorkspace({ providerUrl: suite.fake.url });
    const { ws } = suite.tw;
    const refused = { code: 'provider_unknown', details: { provider: 'nope', model: 'nope:model' } };
    await expect(ws.sessions.create('x', { model: 'nope:model' })).rejects.toMatchObject(refused);
    await expect(ws.sessions.open('x', { create: true, model: 'nope:model' })).rejects.toMatchObject(refused);
    await expect(ws.sessions.create('y', { model: 'no-colon' })).rejects.toMatchObject({
      code: 'provider_unknown',
    });
    expect(await ws.sessions.list({ includeTrash: true })).toEqual([]);
    expect(await sessionFiles(suite.tw)).toEqual([]);
  });

  it('creates a session whose provider only lacks its API key, which may be set before the first turn', async () => {
    suite.tw = await makeTestWorkspace({ providerUrl: suite.fake.url });
    const handle = await suite.tw.ws.sessions.create('x', { model: 'openai:gpt-4o-mini' });
    expect(handle.model()).toBe('openai:gpt-4o-mini');
    expect((await suite.tw.ws.sessions.list()).map((s) => [s.name, s.model])).toEqual([
      ['x', 'openai:gpt-4o-mini'],
    ]);
  });
});
