/**
 * The logs (`<data>/logs/cli.log`, `tui.log`): entries appended to a file that rotates past a size, a
 * few kept, private to the user. What they say about an error: its stack with the built bundles'
 * positions (`dist/chunks/chunk-X.js:1:2345`) turned back into source positions
 * (`src/core/session/turn.ts:157:13`), then the same for each cause. The source maps are read here,
 * only when an error is logged, and kept for the next one: node's own source-map support would parse
 * them (over a megabyte) on every start, `octo --version` included.
 */
import {
  chmodSync,
  closeSync,
  fchmodSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { SourceMap, type SourceMapPayload } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { errnoCode, getErrorMessage } from './errors.js';

/** A frame's location: a file URL or an absolute path of a `.js` file, then its line and column. */
const LOCATION = /((?:file:\/\/)?\/[^\s()]+\.js):(\d+):(\d+)/g;
/** Causes followed at most this deep: a cycle of causes must not loop. */
const MAX_CAUSES = 5;

const maps = new Map<string, SourceMap | null>();

function mapOf(file: string): SourceMap | null {
  const known = maps.get(file);
  if (known !== undefined) return known;
  let map: SourceMap | null = null;
  try {
    map = new SourceMap(JSON.parse(readFileSync(`${file}.map`, 'utf8')) as SourceMapPayload);
  } catch {
    // No map beside the file (node's own modules, a dependency, tests run from src/): as it is.
  }
  maps.set(file, map);
  return map;
}

/** The folder a bundle's `dist/` sits in, so sources read `src/...` wherever octo is installed. */
function packageRoot(file: string): string {
  const at = file.lastIndexOf(`${path.sep}dist${path.sep}`);
  return at === -1 ? path.dirname(file) : file.slice(0, at);
}

/** `stack` with each location that has a source map given as its source location; others unchanged. */
export function sourceMappedStack(stack: string): string {
  return stack.replace(LOCATION, (whole, location: string, line: string, column: string) => {
    const file = location.startsWith('file://') ? fileURLToPath(location) : location;
    const origin = mapOf(file)?.findOrigin(Number(line), Number(column));
    if (origin === undefined || !('fileName' in origin)) return whole;
    const source = path.resolve(path.dirname(file), origin.fileName);
    return `${path.relative(packageRoot(file), source)}:${origin.lineNumber}:${origin.columnNumber}`;
  });
}

/** An error as a log entry shows it: message and source-mapped stack, then each cause's. */
export function errorDetail(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth <= MAX_CAUSES && current !== undefined; depth += 1) {
    const text =
      current instanceof Error
        ? sourceMappedStack(current.stack ?? current.message)
        : getErrorMessage(current);
    parts.push(depth === 0 ? text : `caused by: ${text}`);
    current = current instanceof Error ? current.cause : undefined;
  }
  return parts.join('\n');
}

export interface LogLimits {
  /** A log past this many bytes is set aside before the next entry. */
  maxBytes: number;
  /** Logs set aside that are kept (`x.log.1` the newest); older ones are removed. */
  keep: number;
}

/** A megabyte holds hundreds of stacks; four such files bound what a long-lived install keeps. */
const LOG_LIMITS: LogLimits = { maxBytes: 1024 * 1024, keep: 3 };

/**
 * Appends one entry to a log file (0600, in a 0700 folder, whatever mode an older file had). When
 * the entry would take the file past `maxBytes` it is first set aside: `x.log` becomes `x.log.1`,
 * `x.log.1` becomes `x.log.2`, and so on, the oldest beyond `keep` removed. Synchronous, so that the
 * TUI's entries never interleave and the CLI's is written before it exits.
 */
export function appendLogEntry(file: string, entry: string, limits: LogLimits = LOG_LIMITS): void {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const size = sizeOf(file);
  if (size > 0 && size + Buffer.byteLength(entry) > limits.maxBytes) rotate(file, limits.keep);
  const fd = openSync(file, 'a', 0o600);
  try {
    fchmodSync(fd, 0o600);
    writeSync(fd, entry);
  } finally {
    closeSync(fd);
  }
}

function sizeOf(file: string): number {
  try {
    return statSync(file).size;
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return 0;
    throw error;
  }
}

/** Shifts the logs set aside by one; another process rotating at the same time may have moved any of them. */
function rotate(file: string, keep: number): void {
  if (keep === 0) {
    rmSync(file, { force: true });
    return;
  }
  // An older octo's log may be readable by others; what is set aside is private like the rest.
  try {
    chmodSync(file, 0o600);
  } catch (error) {
    // Another process set it aside just now.
    if (errnoCode(error) === 'ENOENT') return;
    throw error;
  }
  rmSync(`${file}.${keep}`, { force: true });
  for (let n = keep - 1; n >= 0; n -= 1) {
    try {
      renameSync(n === 0 ? file : `${file}.${n}`, `${file}.${n + 1}`);
    } catch (error) {
      if (errnoCode(error) !== 'ENOENT') throw error;
    }
  }
}
