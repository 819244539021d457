import { readFileSync } from 'node:fs';

/**
 * The package version, read from package.json next to dist/ (and src/, in tests). Synchronous: it is
 * the whole of `octo --version`, where a promise would only add a turn of the event loop.
 */
export function packageVersion(): string {
  const text = readFileSync(new URL('../../package.json', import.meta.url), 'utf8');
  const parsed: unknown = JSON.parse(text);
  const version =
    typeof parsed === 'object' && parsed !== null ? (parsed as { version?: unknown }).version : undefined;
  if (typeof version !== 'string') throw new Error('package.json has no version');
  return version;
}
