/**
 * A fingerprint of the config files that last loaded cleanly, kept in `<data>/cache/config-ok`. A light
 * command (listing) that does not use the configuration still refuses a broken one (docs/faults.md row 30),
 * but checks it against the schema only when the files changed since they last passed: loading the
 * schema costs more than the whole listing.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { errnoCode } from '../errors.js';
import { replaceFile } from '../replace-file.js';

/** Changes when what counts as a clean config could change without the files changing. */
const FINGERPRINT_FORMAT = 'octo-config-ok 1';

/** A hash of each file's path and text (null when the file does not exist). */
export function configFingerprint(files: readonly string[], texts: ReadonlyArray<string | null>): string {
  const hash = createHash('sha256').update(FINGERPRINT_FORMAT);
  files.forEach((file, index) => {
    const text = texts[index];
    hash.update(`\0${file}\0${text === null || text === undefined ? '-' : `+${text}`}`);
  });
  return hash.digest('hex');
}

/** The fingerprint of the files as they are now; null when one cannot be read (then load them to say why). */
export async function currentFingerprint(files: readonly string[]): Promise<string | null> {
  const texts = await Promise.all(
    files.map(async (file) => {
      try {
        return await readFile(file, 'utf8');
      } catch (error) {
        if (errnoCode(error) === 'ENOENT') return null;
        return undefined;
      }
    }),
  );
  return texts.includes(undefined) ? null : configFingerprint(files, texts as Array<string | null>);
}

function stampPath(dataDir: string): string {
  return path.join(dataDir, 'cache', 'config-ok');
}

export async function isKnownGood(dataDir: string, fingerprint: string): Promise<boolean> {
  try {
    return (await readFile(stampPath(dataDir), 'utf8')) === fingerprint;
  } catch (error) {
    if (errnoCode(error) === undefined) throw error;
    // Missing or unreadable, the stamp only saves time: the files are then checked in full.
    return false;
  }
}

/**
 * Records a fingerprint that loaded cleanly. Returns false when the stamp could not be written, which
 * costs the next light command a schema check and nothing more.
 */
export async function rememberKnownGood(dataDir: string, fingerprint: string): Promise<boolean> {
  if (await isKnownGood(dataDir, fingerprint)) return true;
  const file = stampPath(dataDir);
  try {
    // Never the data folder itself: a command that only reads must not create it.
    await mkdir(path.dirname(file), { mode: 0o700 }).catch((error: unknown) => {
      if (errnoCode(error) !== 'EEXIST') throw error;
    });
    // A cache: losing it to a crash costs one schema check, not worth a flush on the way to a listing.
    await replaceFile(file, fingerprint, { flush: false });
    return true;
  } catch (error) {
    if (errnoCode(error) === undefined) throw error;
    return false;
  }
}
