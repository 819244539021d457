// Builds dist/ when it is missing or older than what it is built from, so `npm start` and the end-to-end
// tests never run yesterday's bundle. The check is a stat of each source file (a few milliseconds);
// the build runs only when one is newer than dist/'s stamp.
import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** Written last by the build: dist/ is as new as this file. */
export const STAMP = path.join(root, 'dist', '.built');
// themes/ is read at run time from the package, not built into dist/.
const INPUTS = ['src', 'scripts/build.mjs', 'package.json', 'package-lock.json'];

function newest(entry) {
  const stat = statSync(entry, { throwIfNoEntry: false });
  if (stat === undefined) return 0;
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(entry).reduce(
    (max, name) => Math.max(max, newest(path.join(entry, name))),
    stat.mtimeMs,
  );
}

/** True when dist/ is missing or older than any of its inputs. */
export function isStale() {
  const built = statSync(STAMP, { throwIfNoEntry: false });
  if (built === undefined) return true;
  return INPUTS.some((input) => newest(path.join(root, input)) > built.mtimeMs);
}

export function ensureBuilt() {
  if (!isStale()) return false;
  process.stderr.write('dist/ is older than the sources: building it first (npm run build)\n');
  execFileSync(process.execPath, [path.join(root, 'scripts', 'build.mjs')], { cwd: root, stdio: 'inherit' });
  return true;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) ensureBuilt();
