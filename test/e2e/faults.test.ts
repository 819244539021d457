import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { MessageRecord, SessionRecord } from '../../src/core/store/records.js';
import { e2eConfig, runOcto, type OctoResult, useOctoHome } from './support.js';

const e2e = useOctoHome();

const STACK_LINE = /^\s+at /m;
/** ESC, C1 CSI and BEL: none may reach a terminal from untrusted text (docs/faults.md rows 20 and 29). */
const hasControlBytes = (text: string): boolean =>
  ['\u001b', '\u009b', '\u0007'].some((byte) => text.includes(byte));

function expectCleanFailure(result: OctoResult): void {
  expect(result.code).not.toBe(0);
  expect(result.signal).toBeNull();
  expect(result.stderr).not.toMatch(STACK_LINE);
  expect(result.stderr).not.toContain('internal error');
}

async function messages(name: string): Promise<MessageRecord[]> {
  const shown = await e2e.home.run(['sessions', 'show', name, '--json']);
  expect(shown.code).toBe(0);
  const { records } = JSON.parse(shown.stdout) as { records: SessionRecord[] };
  return records.filter((r): r is MessageRecord => r.kind === 'message');
}

describe('faults at the command line (rows of docs/faults.md)', () => {
  it('row 5: a data folder that cannot be created names the path and exits non-zero', async () => {
    const blocker = path.join(e2e.home.root, 'not-a-folder');
    await writeFile(blocker, 'a regular file\n');
    const configHome = path.join(e2e.home.root, 'config');
    await mkdir(path.join(configHome, 'octo'), { recursive: true });
    await writeFile(path.join(configHome, 'octo', 'config.toml'), e2eConfig(e2e.fake.url));
    const env = {
      PATH: e2e.home.env.PATH ?? '',
      HOME: e2e.home.root,
      NO_COLOR: '1',
      XDG_CONFIG_HOME: configHome,
      XDG_DATA_HOME: blocker,
    };
    for (const args of [['run', '--name', 'x', '-p', 'hi'], ['doctor']]) {
      const result = await runOcto(args, { cwd: e2e.home.projectDir, env });
      expectCleanFailure(result);
      expect(result.stdout + result.stderr).toContain(`${blocker}/octo: not a directory`);
    }
  });

  it('row 12: kill -9 while a reply streams loses no acknowledged message and the session reopens', async () => {
    e2e.fake.enqueue({ text: ['First words ', 'and ', 'more ', 'and ', 'more.'], chunkDelayMs: 200 });
    const child = e2e.home.spawn(['run', '--name', 'crashy', '-p', 'tell me a long story']);
    await child.waitFor((p) => p.stdout.includes('First words'), 'the first streamed text');
    child.child.kill('SIGKILL');
    expect((await child.exited).signal).toBe('SIGKILL');

    e2e.fake.enqueue({ text: 'Back again.' });
    const resumed = await e2e.home.run(['run', '--resume', 'crashy', '-p', 'are you there?']);
    expect(resumed).toMatchObject({ code: 0, stdout: 'Back again.\n' });
    // The model is told its reply was cut off, as the other catch-up notes tell it what happened meanwhile.
    expect(resumed.stderr).toContain('the last reply was cut off');
    const sent = (e2e.fake.requests.at(-1)?.body.messages ?? []) as Array<{ role: string; content: string }>;
    expect(
      sent.find((m) => m.role === 'system' && m.content.includes('your last reply was cut off')),
    ).toBeDefined();
    const stored = await messages('crashy');
    expect(stored.filter((m) => m.role === 'user').map((m) => m.content)).toEqual([
      'tell me a long story',
      'are you there?',
    ]);
    const between = stored.slice(
      1,
      stored.findIndex((m) => m.content === 'are you there?'),
    );
    for (const partial of between) expect(partial).toMatchObject({ role: 'assistant', interrupted: true });
    expect(stored.at(-1)).toMatchObject({ role: 'assistant', content: 'Back again.' });
  });

  it('row 13: a 401 names the provider and the key variable, and never prints the key', async () => {
    const key = 'sk-octo-e2e-RECOGNISABLE-7f3a9c';
    const config = e2eConfig(e2e.fake.url).replace(
      '[providers.test]\n',
      '[providers.test]\napi_key_env = "OCTO_TEST_KEY"\n',
    );
    await writeFile(path.join(e2e.home.dataDir, 'config.toml'), config);
    e2e.fake.enqueue({ status: 401, body: { error: { message: `Incorrect API key provided: ${key}` } } });
    const result = await e2e.home.run(['run', '--name', 'auth', '-p', 'hi'], {
      env: { ...e2e.home.env, OCTO_TEST_KEY: key },
    });
    expectCleanFailure(result);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('test');
    expect(result.stderr).toContain('OCTO_TEST_KEY');
    expect(result.stdout + result.stderr).not.toContain(key);
    expect(result.stdout + result.stderr).not.toContain('RECOGNISABLE');
  });

  it('row 29: with stdout piped, not one escape byte is written, even when the model sends them', async () => {
    e2e.fake.enqueue(
      { toolCalls: [{ id: 'c1', name: 'list_dir', arguments: '{"path":".\u001b[2J"}' }] },
      {
        text: [
          'plain \u001b[31mred\u001b',
          '[0m ',
          '\u001b]0;pwned\u0007',
          '\u009b1mC1 ',
          'end\u001b]52;c;ZXZpbA==\u0007',
        ],
      },
    );
    const result = await e2e.home.run(['run', '--name', 'hostile', '-p', 'colour me']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('plain red C1 end\n');
    expect(hasControlBytes(result.stdout + result.stderr)).toBe(false);

    const listed = await e2e.home.run(['sessions', 'show', 'hostile']);
    expect(hasControlBytes(listed.stdout)).toBe(false);
    const exported = await e2e.home.run(['sessions', 'export', 'hostile']);
    expect(hasControlBytes(exported.stdout)).toBe(false);
  });

  it('row 30: a config syntax error names the file and line; nothing runs on defaults', async () => {
    const file = path.join(e2e.home.dataDir, 'config.toml');
    await writeFile(
      file,
      'model = "test:fake-model"\n\n[providers.test\nbase_url = "http://127.0.0.1:1/v1"\n',
    );
    const requests = e2e.fake.requests.length;
    const result = await e2e.home.run(['run', '--name', 'cfg', '-p', 'hi']);
    expectCleanFailure(result);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(file);
    expect(result.stderr).toContain(`${file}:3: TOML syntax error`);
    expect(e2e.fake.requests.length).toBe(requests);
  });

  it('row 30: an unknown key names the file, the line and the key', async () => {
    const file = path.join(e2e.home.dataDir, 'config.toml');
    await writeFile(file, `${e2eConfig(e2e.fake.url)}\n[limits]\nmax_sesion_spending = 5\n`);
    const result = await e2e.home.run(['sessions', 'list']);
    expectCleanFailure(result);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(file);
    expect(result.stderr).toContain(`${file}:13: limits.max_sesion_spending: unknown key`);
  });
});

describe('stopping a turn', () => {
  it('Ctrl-C (SIGINT) stops the turn, keeps the partial reply marked interrupted, and exits 130', async () => {
    e2e.fake.enqueue({
      text: ['Half of ', 'the answer', ' and the rest', ' never comes.'],
      chunkDelayMs: 300,
    });
    const child = e2e.home.spawn(['run', '--name', 'stopped', '-p', 'go on']);
    await child.waitFor((p) => p.stdout.includes('Half of'), 'the first streamed text');
    child.child.kill('SIGINT');
    const result = await child.exited;
    expect(result.code).toBe(130);
    expect(result.stderr).toContain('Stopping the turn');
    expect(result.stderr).not.toMatch(STACK_LINE);
    const stored = await messages('stopped');
    expect(stored.map((m) => m.role)).toEqual(['user', 'assistant']);
    expect(stored[1]).toMatchObject({ interrupted: true });
    expect(stored[1]?.content.startsWith('Half of')).toBe(true);
  });

  it('exits 3 when the spending limit stops the turn, saying why', async () => {
    await writeFile(
      path.join(e2e.home.dataDir, 'config.toml'),
      `${e2eConfig(e2e.fake.url)}\n[limits]\nmax_session_spending = 0.0001\n`,
    );
    e2e.fake.enqueue({
      toolCalls: [{ id: 'c1', name: 'list_dir', arguments: '{"path":"."}' }],
      usage: { prompt: 100_000, completion: 10 },
    });
    const requests = e2e.fake.requests.length;
    const result = await e2e.home.run(['run', '--name', 'spent', '-p', 'go', '--json']);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/^octo: Stopped before the next model call/);
    expect(e2e.fake.requests.length - requests).toBe(1);
    expect(JSON.parse(result.stdout)).toMatchObject({ status: 'failed', error: { code: 'budget_exceeded' } });
  });
});
