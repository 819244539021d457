/** `octo --version` and `--help` through the real binary, which answers them without its bundle. */
import { spawn, execFileSync } from 'node:child_process';
import { closeSync, constants, openSync } from 'node:fs';
import { cp, mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { helpText } from '../../src/cli/help.js';
import { makeTempDir, type TempDir } from '../support/temp.js';
import { BIN, REPO, runOcto } from './support.js';

let temp: TempDir;
/** A home of the test's own: the forms the full command line answers may write its caches there. */
let env: Record<string, string>;
let options: { cwd: string; env: Record<string, string> };

/** Runs `bin` with stdout on the descriptor `stdout` (closed here once handed over); its exit and stderr. */
function runTo(
  bin: string,
  args: string[],
  stdout: number,
): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [bin, ...args], {
    cwd: REPO,
    env,
    stdio: ['ignore', stdout, 'pipe'],
  });
  closeSync(stdout);
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

describe('octo --version and --help', () => {
  beforeEach(async () => {
    temp = await makeTempDir('octo-quick-e2e');
    env = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      NO_COLOR: '1',
      HOME: temp.path,
      OCTO_HOME: path.join(temp.path, 'data'),
    };
    options = { cwd: REPO, env };
  });
  afterEach(async () => {
    await temp.cleanup();
  });

  it('prints the version and the help texts', async () => {
    const pkg = JSON.parse(await readFile(`${REPO}/package.json`, 'utf8')) as { version: string };
    expect(await runOcto(['--version'], options)).toEqual({
      code: 0,
      signal: null,
      stdout: `${pkg.version}\n`,
      stderr: '',
    });
    expect((await runOcto(['-h'], options)).stdout).toBe(helpText('main'));
    expect((await runOcto(['sessions', '--help'], options)).stdout).toBe(helpText('sessions'));
  });

  it('leaves other uses of the flags to the full command line', async () => {
    const misuse = await runOcto(['--help', 'extra', 'words'], options);
    expect(misuse.code).toBe(0);
    expect(misuse.stdout).toBe(helpText('main'));
    const unknown = await runOcto(['frobnicate', '--help'], options);
    expect(unknown.stdout).toBe(helpText('main'));
  });

  it('answers from a package whose path holds a space, # and ?, with nothing of dist/ but its own file', async () => {
    const root = path.join(temp.path, 'a b#c?d');
    await mkdir(path.join(root, 'dist', 'cli'), { recursive: true });
    await cp(path.join(REPO, 'bin'), path.join(root, 'bin'), { recursive: true });
    await cp(path.join(REPO, 'package.json'), path.join(root, 'package.json'));
    await cp(path.join(REPO, 'dist', 'cli', 'quick.cjs'), path.join(root, 'dist', 'cli', 'quick.cjs'));
    const pkg = JSON.parse(await readFile(`${REPO}/package.json`, 'utf8')) as { version: string };
    const bin = path.join(root, 'bin', 'octo.js');
    expect(execFileSync(process.execPath, [bin, '-v'], { env, encoding: 'utf8' })).toBe(`${pkg.version}\n`);
    expect(execFileSync(process.execPath, [bin, 'run', '--help'], { env, encoding: 'utf8' })).toBe(
      helpText('run'),
    );
  });

  it('exits quietly when the reader has gone, and says so when stdout cannot be written', async () => {
    const fifo = path.join(temp.path, 'out');
    execFileSync('mkfifo', [fifo]);
    const reader = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
    const writer = openSync(fifo, constants.O_WRONLY);
    closeSync(reader);
    expect(await runTo(BIN, ['--help'], writer)).toEqual({ code: 0, stderr: '' });
    const full = await runTo(BIN, ['--version'], openSync('/dev/full', 'w'));
    expect(full.code).toBe(1);
    expect(full.stderr).toMatch(/^octo: cannot write to stdout: ENOSPC/);
  });
});
