import { chmodSync, mkdirSync, statSync } from 'node:fs';
import { chmod, mkdir, stat } from 'node:fs/promises';
import { DIR_MODE, FILE_MODE } from './io.js';
import type { WarningSink } from './warnings.js';

/** POSIX permission bits; Windows has none worth tightening. */
const CHECKS_MODES = process.platform !== 'win32';

/** Creates a folder 0700 (with its parents) and tightens it if it already existed looser. */
export async function ensurePrivateDir(dir: string, warnings: WarningSink): Promise<void> {
  await mkdir(dir, { recursive: true, mode: DIR_MODE });
  await tightenMode(dir, DIR_MODE, warnings);
}

/** The same for `mediaDir()`, whose contract returns a path synchronously. */
export function ensurePrivateDirSync(dir: string, warnings: WarningSink): void {
  mkdirSync(dir, { recursive: true, mode: DIR_MODE });
  if (!CHECKS_MODES) return;
  const mode = statSync(dir).mode & 0o777;
  const tightened = mode & DIR_MODE;
  if (tightened === mode) return;
  chmodSync(dir, tightened);
  warnings.push({ kind: 'permissionsTightened', path: dir, from: mode, to: tightened });
}

export function tightenFile(file: string, warnings: WarningSink): Promise<boolean> {
  return tightenMode(file, FILE_MODE, warnings);
}

/**
 * Removes every permission bit outside `allowed` (group and others, docs/faults.md row 6) and says so.
 * Returns true when the mode changed.
 */
export async function tightenMode(target: string, allowed: number, warnings: WarningSink): Promise<boolean> {
  if (!CHECKS_MODES) return false;
  const mode = (await stat(target)).mode & 0o777;
  const tightened = mode & allowed;
  if (tightened === mode) return false;
  await chmod(target, tightened);
  warnings.push({ kind: 'permissionsTightened', path: target, from: mode, to: tightened });
  return true;
}
