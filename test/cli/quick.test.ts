import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { quickAnswer } from '../../src/cli/quick.js';
import { runCli } from '../../src/cli/run-cli.js';
import { fakeIo } from './fake-io.js';

let root: string;

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'octo-quick-'));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function fullAnswer(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const fake = fakeIo({ cwd: root, home: root, env: { OCTO_HOME: path.join(root, 'data') } });
  const code = await runCli(argv, fake.io);
  return { code, stdout: fake.stdout(), stderr: fake.stderr() };
}

describe('quickAnswer (what bin/octo.js prints without the bundle)', () => {
  const quick = [
    ['--help'],
    ['-h'],
    ['--version'],
    ['-v'],
    ['run', '--help'],
    ['run', '-h'],
    ['sessions', '--help'],
    ['doctor', '-h'],
    ['run', '--version'],
  ];

  it.each(quick)('answers %s exactly as the full command line does', async (...argv: string[]) => {
    const full = await fullAnswer(argv);
    expect(full.code).toBe(0);
    expect(quickAnswer(argv)).toBe(full.stdout);
  });

  it('leaves every other argument list to the full command line', () => {
    for (const argv of [
      [],
      ['run'],
      ['--help', '--all'],
      ['sessions', 'list', '--help'],
      ['frobnicate', '--help'],
      ['run', '-p', '--help'],
      ['--helpful'],
    ]) {
      expect(quickAnswer(argv)).toBeNull();
    }
  });
});
