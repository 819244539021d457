/**
 * A fingerprint of the config files that last loaded cleanly, kept in `<data>/cache/config-checked` (0600)
 * with what the schema added to them (fills.ts). The files are checked against the schema only when
 * they changed since they last passed: a light command (listing) that does not use the configuration
 * still refuses a broken one (docs/faults.md row 30), and a workspace start gets the checked
 * configuration back without building the schema, which costs more than the whole listing and ~10% of
 * a resume. (An older octo's `config-ok`, a fingerprint alone, is left to it: sharing one file, two
 * versions used in turn would each find the other's stamp and check the files every time.)
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { errnoCode } from '../errors.js';
import { replaceFile } from '../replace-file.js';
import { isFill, type Fill } from './fills.js';

/** Changes when what counts as a clean config could change without the files or octo's code changing. */
const FINGERPRINT_FORMAT = 'octo-config-checked 1';

/** What checking the files added: to the merged configuration and to each file's own values. */
export interface ConfigFills {
  merged: Fill;
  layers: Fill[];
}

export interface KnownGood {
  fingerprint: string;
  /** Null when a stamp holds none (a listing's, or a config the schema changes beyond adding defaults). */
  fills: ConfigFills | null;
}

let code: Promise<string | null> | undefined;

/**
 * This module's file, its size and times: octo's bundles are all rewritten by a build or an upgrade,
 * whose schema may refuse what the last one passed, so files that passed under another octo are checked
 * again. Null (checked every time) when it cannot be found.
 */
function codeIdentity(): Promise<string | null> {
  code ??= (async () => {
    try {
      const info = await stat(fileURLToPath(import.meta.url));
      return `${info.size}:${info.mtimeMs}:${info.ctimeMs}`;
    } catch {
      return null;
    }
  })();
  return code;
}

/**
 * A hash of octo's code and each file's path and text (null when the file does not exist), or null when
 * octo's code cannot be identified.
 */
export async function configFingerprint(
  files: readonly string[],
  texts: ReadonlyArray<string | null>,
): Promise<string | null> {
  const identity = await codeIdentity();
  if (identity === null) return null;
  const hash = createHash('sha256').update(`${FINGERPRINT_FORMAT}\0${identity}`);
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
  return path.join(dataDir, 'cache', 'config-checked');
}

/** The stamp, or null when there is none (or it cannot be read: it only saves time). */
export async function readKnownGood(dataDir: string): Promise<KnownGood | null> {
  let text: string;
  try {
    text = await readFile(stampPath(dataDir), 'utf8');
  } catch (error) {
    if (errnoCode(error) === undefined) throw error;
    return null;
  }
  const newline = text.indexOf('\n');
  const fingerprint = newline === -1 ? text : text.slice(0, newline);
  return { fingerprint, fills: newline === -1 ? null : parseFills(text.slice(newline + 1)) };
}

function parseFills(text: string): ConfigFills | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const { merged, layers } = value as { merged?: unknown; layers?: unknown };
  // Damaged or edited by hand: the files are checked in full instead.
  return isFill(merged) && Array.isArray(layers) && layers.every(isFill) ? { merged, layers } : null;
}

export async function isKnownGood(dataDir: string, fingerprint: string): Promise<boolean> {
  return (await readKnownGood(dataDir))?.fingerprint === fingerprint;
}

/**
 * Records a fingerprint that loaded cleanly, with what the schema added when that is known. Returns
 * false when the stamp could not be written, which costs the next start a schema check and nothing more.
 */
export async function rememberKnownGood(
  dataDir: string,
  fingerprint: string | null,
  fills: ConfigFills | null = null,
): Promise<boolean> {
  if (fingerprint === null) return false;
  const known = await readKnownGood(dataDir);
  if (known?.fingerprint === fingerprint && (fills === null || known.fills !== null)) return true;
  const file = stampPath(dataDir);
  try {
    // Never the data folder itself: a command that only reads must not create it.
    await mkdir(path.dirname(file), { mode: 0o700 }).catch((error: unknown) => {
      if (errnoCode(error) !== 'EEXIST') throw error;
    });
    // A cache: losing it to a crash costs one schema check, not worth a flush on the way to a listing.
    const text = fills === null ? fingerprint : `${fingerprint}\n${JSON.stringify(fills)}`;
    await replaceFile(file, text, { flush: false });
    return true;
  } catch (error) {
    if (errnoCode(error) === undefined) throw error;
    return false;
  }
}
