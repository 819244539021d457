/**
 * What the logs (`<data>/logs/cli.log`, `tui.log`) say about an error: its stack with the built bundles'
 * positions (`dist/chunks/chunk-X.js:1:2345`) turned back into source positions
 * (`src/core/session/turn.ts:157:13`), then the same for each cause. The source maps are read here,
 * only when an error is logged, and kept for the next one: node's own source-map support would parse
 * them (over a megabyte) on every start, `octo --version` included.
 */
import { readFileSync } from 'node:fs';
import { SourceMap, type SourceMapPayload } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { getErrorMessage } from './errors.js';

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
