import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run-cli.js';
import { makeRepo } from '../core/project/support.js';
import { fakeIo, type FakeIoOptions } from './fake-io.js';

let root: string;
let dataDir: string;

beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'octo-cli-'));
  dataDir = path.join(root, 'data');
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function octo(argv: string[], options: Partial<FakeIoOptions> = {}) {
  const fake = fakeIo({ cwd: root, home: root, env: { OCTO_HOME: dataDir }, ...options });
  const code = await runCli(argv, fake.io);
  return { code, stdout: fake.stdout(), stderr: fake.stderr() };
}

describe('runCli', () => {
  it('prints help with examples and exits 0', async () => {
    const result = await octo(['--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('octo run --name auth-refactor -p');
    expect(result.stdout).toContain('Exit codes');
    expect(result.stderr).toBe('');
  });

  it("prints the package's version", async () => {
    const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as {
      version: string;
    };
    const result = await octo(['--version']);
    expect(result).toEqual({ code: 0, stdout: `${pkg.version}\n`, stderr: '' });
  });

  it('exits 2 with the message and a pointer to the usage on an unknown command or option', async () => {
    const command = await octo(['sesions', 'list']);
    expect(command.code).toBe(2);
    expect(command.stderr).toBe(
      "octo: Unknown command: sesions. Did you mean: octo sessions?\nRun 'octo --help' for usage.\n",
    );
    const option = await octo(['run', '--frobnicate']);
    expect(option.code).toBe(2);
    expect(option.stderr).toContain('Unknown option --frobnicate');
    expect(option.stderr).toContain('octo run --help');
  });

  it('asks for -p when there is no terminal and nothing on stdin, touching nothing', async () => {
    const result = await octo(['run', '--name', 'x'], { input: '  \n' });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('-p TEXT');
    await expect(readdir(dataDir)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it.each([['../../etc/x'], ['a/b'], ['.x'], ['x~'], ['a\u0000b'], ['n'.repeat(300)], ['CON']])(
    'refuses the session name %j before touching the data folder (docs/faults.md row 8)',
    async (name) => {
      const result = await octo(['run', '--name', name, '-p', 'hi']);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/^octo: .*name/i);
      expect(result.stderr).not.toMatch(/\n\s+at /);
      await expect(readdir(dataDir)).rejects.toMatchObject({ code: 'ENOENT' });
    },
  );

  it('refuses a bad new name for rename the same way', async () => {
    const result = await octo(['sessions', 'rename', 'ok', '../up']);
    expect(result.code).toBe(1);
    await expect(readdir(dataDir)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('refuses a bad name for a fork before touching the data folder', async () => {
    const result = await octo(['sessions', 'fork', 'ok', '../up']);
    expect(result.code).toBe(1);
    await expect(readdir(dataDir)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it("doctor warns when the project's identity could not be found, and why", async () => {
    const repo = await makeRepo(path.join(root, 'repo'), root);
    // Without git on PATH the first commit cannot be read: the project falls back to its path.
    const result = await octo(['doctor'], { cwd: repo, env: { OCTO_HOME: dataDir, PATH: '/nonexistent' } });
    expect(result.stdout).toMatch(
      new RegExp(
        `^warn {2}project identity: ${repo}: the repository's first commit is unknown \\(.+\\); the sessions of ${repo} are tied to its path$`,
        'm',
      ),
    );
    const healthy = await octo(['doctor'], { cwd: repo });
    expect(healthy.stdout).not.toContain('project identity');
  });
});
