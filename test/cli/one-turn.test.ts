import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run-cli.js';
import { startFakeProvider, type FakeProvider } from '../support/fake-provider.js';
import { testConfig } from '../support/workspace.js';
import { fakeIo, type FakeIo } from './fake-io.js';

let fake: FakeProvider;
let root: string;
let projectDir: string;

beforeAll(async () => {
  fake = await startFakeProvider();
});
afterAll(async () => {
  await fake.close();
});
beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'octo-turn-'));
  projectDir = path.join(root, 'project');
  // 0700 as octo makes it: a looser folder is tightened with a warning on stderr.
  await mkdir(path.join(root, 'data'), { recursive: true, mode: 0o700 });
  await mkdir(projectDir);
  await writeFile(path.join(root, 'data', 'config.toml'), testConfig(fake.url));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

function io(tty = false): FakeIo {
  return fakeIo({ cwd: projectDir, home: root, env: { OCTO_HOME: path.join(root, 'data') }, tty });
}

describe('one turn with -p, in-process', () => {
  it('streams the reply to stdout and puts each step’s text on its own line', async () => {
    fake.enqueue(
      { text: 'Let me look.', toolCalls: [{ id: 'c1', name: 'list_dir', arguments: '{"path":"."}' }] },
      { text: ['Nothing ', 'here.'] },
    );
    const run = io();
    const code = await runCli(['run', '--name', 'steps', '-p', 'look around'], run.io);
    expect(code).toBe(0);
    expect(run.stdout()).toBe('Let me look.\nNothing here.\n');
    expect(run.stderr()).toMatch(/^· list_dir \{"path":"\."\}\n\[steps · finished · /);
  });

  it('reports a failing tool on stderr, sanitised', async () => {
    fake.enqueue(
      { toolCalls: [{ id: 'c1', name: 'read_file', arguments: '{"path":"missing\\u001b[2J.txt"}' }] },
      { text: 'No such file.' },
    );
    const run = io();
    expect(await runCli(['run', '--name', 'tool-fail', '-p', 'read it'], run.io)).toBe(0);
    expect(run.stderr()).toMatch(/\n {2}✗ read_file: /);
    expect(run.stderr().includes('\u001b')).toBe(false);
  });

  it('stops at tools.max_steps with its own message and exit 1, not as an internal error', async () => {
    await writeFile(path.join(root, 'data', 'config.toml'), testConfig(fake.url, '[tools]\nmax_steps = 2'));
    const call = (id: string) => ({ toolCalls: [{ id, name: 'list_dir', arguments: '{"path":"."}' }] });
    fake.enqueue(call('c1'), call('c2'));
    const before = fake.requests.length;
    const run = io();
    expect(await runCli(['run', '--name', 'loop', '-p', 'look forever'], run.io)).toBe(1);
    expect(run.stderr()).toContain('octo: Stopped after 2 model calls in one turn (tools.max_steps = 2).');
    expect(run.stderr()).not.toContain('internal error');
    expect(fake.requests.length - before).toBe(2);
  });

  it('stops on the first SIGINT with exit 130, and quits at once on the second', async () => {
    fake.enqueue({ text: ['Part one. ', 'Part two.'], stallAfter: 1 });
    const run = io();
    run.onStdout(() => {
      run.signal('SIGINT');
      run.signal('SIGINT');
    });
    const code = await runCli(['run', '--name', 'stop', '-p', 'go'], run.io);
    expect(code).toBe(130);
    expect(run.forcedExits).toEqual([130]);
    expect(run.stdout()).toBe('Part one. \n');
  });

  it('colours nothing when stdout is not a terminal, even with colour allowed', async () => {
    fake.enqueue({ text: 'plain' });
    const run = fakeIo({
      cwd: projectDir,
      home: root,
      env: { OCTO_HOME: path.join(root, 'data'), FORCE_COLOR: '3' },
    });
    expect(await runCli(['doctor'], run.io)).toBe(0);
    expect(await runCli(['run', '--name', 'plain', '-p', 'x'], run.io)).toBe(0);
    expect(run.stdout().includes('\u001b') || run.stderr().includes('\u001b')).toBe(false);
  });

  it('colours the doctor’s marks on a terminal unless NO_COLOR is set', async () => {
    const coloured = io(true);
    expect(await runCli(['doctor'], coloured.io)).toBe(0);
    expect(coloured.stdout()).toContain('\u001b[32mok  \u001b[39m');
    const plain = fakeIo({
      cwd: projectDir,
      home: root,
      env: { OCTO_HOME: path.join(root, 'data'), NO_COLOR: '1' },
      tty: true,
    });
    expect(await runCli(['doctor'], plain.io)).toBe(0);
    expect(plain.stdout().includes('\u001b')).toBe(false);
  });
});
