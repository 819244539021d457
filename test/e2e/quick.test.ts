/** `octo --version` and `--help` through the real binary, which answers them without its bundle. */
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { helpText } from '../../src/cli/help.js';
import { REPO, runOcto } from './support.js';

const options = { cwd: REPO, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', NO_COLOR: '1' } };

describe('octo --version and --help', () => {
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
});
