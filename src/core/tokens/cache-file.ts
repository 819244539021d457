import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { OctoError, errnoCode } from '../errors.js';
import { isCount, parseJson, recordOf } from '../text/index.js';
import { replaceFile } from '../replace-file.js';

/**
 * Exact counts of one session's texts, kept beside the data so that a resumed session decides about
 * compression without waiting for the tokenizer to load. Only a cache: a missing or damaged file is
 * rebuilt by counting again, and a count is a pure function of its key (encoding + text hash).
 */
const CACHE_VERSION = 1;

export function tokenCachePath(dataDir: string, sessionId: string): string {
  return path.join(dataDir, 'cache', 'tokens', `${sessionId}.json`);
}

/** The counts in the file; none when it is missing or not a cache of this version (then it is rewritten). */
export async function readTokenCache(file: string): Promise<Array<[string, number]>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return [];
    throw new OctoError('store_io', `Could not read the token cache ${file}.`, { cause: error });
  }
  // A torn cache is worth nothing and harms nothing: counting again replaces it.
  const json = parseJson(text);
  if (typeof json !== 'object' || json === null) return [];
  const { version, counts } = json as Record<string, unknown>;
  const checked = version === CACHE_VERSION ? recordOf(counts, isCount) : null;
  return checked === null ? [] : Object.entries(checked);
}

/** Replaces the file atomically, private to the user like the rest of the data folder. */
export async function writeTokenCache(file: string, counts: Iterable<[string, number]>): Promise<void> {
  const body = JSON.stringify({ version: CACHE_VERSION, counts: Object.fromEntries(counts) });
  try {
    await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
    await replaceFile(file, body);
  } catch (error) {
    throw new OctoError('store_io', `Could not write the token cache ${file}.`, { cause: error });
  }
}
