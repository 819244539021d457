import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface TempDir {
  path: string;
  cleanup(): Promise<void>;
}

/** A fresh folder under the system temp dir; `cleanup` removes it with everything in it. */
export async function makeTempDir(prefix: string): Promise<TempDir> {
  const dir = await mkdtemp(path.join(tmpdir(), `${prefix}-`));
  return { path: dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}
