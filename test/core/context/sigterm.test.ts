import { spawn } from 'node:child_process';
import { access, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SessionRecord } from '../../../src/core/store/records.js';
import type { FakeRequest } from '../../support/fake-provider.js';
import { useScriptedSuite } from '../../support/scripted-suite.js';
import { makeTestWorkspace, testConfig } from '../../support/workspace.js';
import { isCompression, words } from './support.js';

const REPO = path.resolve(import.meta.dirname, '..', '..', '..');
const CHILD = path.join(import.meta.dirname, 'fixtures', 'sigterm-child.ts');
const LEVEL = '[[compression.pressure_levels]]\nthreshold = 1500\ntarget_ratio = 2';

const suite = useScriptedSuite();

const exists = (file: string): Promise<boolean> =>
  access(file).then(
    () => true,
    () => false,
  );

describe('SIGTERM during compression (docs/faults.md row 25)', () => {
  it('leaves the session file intact and the lock released', async () => {
    suite.tw = await makeTestWorkspace({
      providerUrl: suite.fake.url,
      extraConfig: `[compression]\nenabled = false\n${LEVEL}`,
    });
    suite.fake.setFallback({ text: `noted ${words(150)}`, usage: { prompt: 10, completion: 150 } });
    const setup = await suite.tw.ws.sessions.open('busy', { create: true });
    for (let n = 1; n <= 8; n += 1) await setup.submit(`Q ${n}: ${words(150, n)}`);
    const id = setup.id;
    const before: readonly SessionRecord[] = [...setup.records()];
    await suite.tw.ws.close();
    await writeFile(
      path.join(suite.tw.dataDir, 'config.toml'),
      testConfig(suite.fake.url, `[compression]\n${LEVEL}`),
    );

    let compressing: () => void = () => undefined;
    const summaryAsked = new Promise<void>((resolve) => (compressing = resolve));
    suite.fake.setFallback((request: FakeRequest) => {
      if (!isCompression(request)) return { status: 500 };
      compressing();
      return { hang: true };
    });
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', CHILD, suite.tw.dataDir, suite.tw.root, suite.tw.projectDir, 'busy'],
      {
        cwd: REPO,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.on('close', (code, signal) => resolve({ code, signal })),
    );
    await summaryAsked;
    child.kill('SIGTERM');
    expect(await exited, output).toEqual({ code: 0, signal: null });
    expect(output).toBe('turn interrupted\n');

    const sessions = path.join(suite.tw.dataDir, 'sessions');
    expect(await exists(path.join(sessions, `${id}.db.lock`))).toBe(false);
    expect(await exists(path.join(sessions, `${id}.owner.json`))).toBe(false);
    const again = await suite.tw.reopen({ extraConfig: `[compression]\nenabled = false` });
    suite.tw = again;
    const warnings: string[] = [];
    again.ws.on('store.warning', ({ warning }) => warnings.push(warning.kind));
    const reopened = await again.ws.sessions.open('busy');
    expect(reopened.readOnly).toBe(false);
    expect(warnings).toEqual([]);
    const strip = (records: readonly SessionRecord[]): unknown[] =>
      records.map(({ at: _at, ...rest }) => rest);
    const after = reopened.records();
    // Only the message written before the summary was asked for is new; nothing was compacted.
    expect(strip(after.slice(0, before.length))).toEqual(strip(before));
    expect(after.slice(before.length)).toMatchObject([
      { kind: 'message', role: 'user', content: 'Q last: carry on', inContext: true },
    ]);
  }, 30_000);
});
