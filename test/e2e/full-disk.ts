/**
 * Runs the real binary on a disk that is really full: a small tmpfs mounted over the data folder in a
 * private mount namespace (`unshare --map-root-user --mount`, which needs no root, and whose mount
 * disappears with it). What octo left behind is copied out for the test to inspect.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BIN, type OctoHome, type OctoResult } from './support.js';

const RUNNER = path.join(import.meta.dirname, 'fixtures', 'full-disk-run.mjs');

export interface FullDiskStep {
  args: string[];
  /** Free the disk (remove the filler) before this step. */
  freeFirst?: boolean;
}

export interface FullDiskRun {
  steps: OctoResult[];
  /** A copy of the data folder as octo left it (under `root`, which the caller removes). */
  dataDir: string;
  root: string;
}

export async function onFullDisk(home: OctoHome, steps: FullDiskStep[]): Promise<FullDiskRun> {
  const root = await mkdtemp(path.join(tmpdir(), 'octo-full-'));
  const job = path.join(root, 'job.json');
  await writeFile(
    job,
    JSON.stringify({
      data: home.dataDir,
      seed: path.join(root, 'seed'),
      out: root,
      bin: BIN,
      cwd: home.projectDir,
      env: home.env,
      steps,
    }),
  );
  const child = spawn('unshare', ['--map-root-user', '--mount', process.execPath, RUNNER, job], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  if (code !== 0) throw new Error(`the full-disk namespace failed (exit ${String(code)}): ${stderr}`);
  const results = JSON.parse(await readFile(path.join(root, 'results.json'), 'utf8')) as OctoResult[];
  return { steps: results, dataDir: path.join(root, 'data'), root };
}
