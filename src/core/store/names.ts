import { OctoError } from '../errors.js';

/** Longest session name; also keeps file names and list columns sane. */
export const MAX_NAME_LENGTH = 64;
const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
/** Windows refuses these as file names even with an extension; a synced data folder must stay portable. */
const DEVICE_NAME = /^(con|prn|aux|nul|com[1-9]|lpt[1-9])(\..*)?$/i;

/**
 * Checks a session name (docs/architecture.md "Command line"). Pure: it touches no file, so callers can refuse a name before
 * the data folder is even created (docs/faults.md row 8). Returns null when valid, else the reason.
 */
export function validateSessionName(name: string): string | null {
  if (name.length === 0) return 'a session name cannot be empty';
  if (name.length > MAX_NAME_LENGTH) return `a session name has at most ${MAX_NAME_LENGTH} characters`;
  if (!NAME_PATTERN.test(name)) {
    return 'a session name uses only letters, digits, ".", "_" and "-", and starts with a letter or digit';
  }
  if (DEVICE_NAME.test(name)) return `"${name}" is a reserved device name on Windows`;
  return null;
}

export function assertSessionName(name: string): void {
  const reason = validateSessionName(name);
  if (reason === null) return;
  // JSON.stringify shows control characters (a NUL byte) escaped instead of raw.
  throw new OctoError('name_invalid', `Invalid session name ${JSON.stringify(name)}: ${reason}.`, {
    details: { name, reason },
  });
}
