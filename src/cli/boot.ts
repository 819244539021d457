/**
 * What bin/octo.js runs for anything but `--version` and `--help` (src/cli/quick.ts): the command line's
 * CommonJS bundle (dist/cjs/octo.js, built from src/cli/main.ts) with its V8 code cache
 * (./code-cache.ts). Built as dist/cli/boot.cjs, CommonJS too, so that no ES module loader starts.
 */
import { homedir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { resolvePaths } from '../core/listing.js';
import { runBundle } from './code-cache.js';

/**
 * Which of the code caches a run uses (./code-cache.ts), as each compiles different code: the workspace,
 * a `-p` turn, a daemon, or the command named (`sessions`, `doctor`...; a word that names none fails,
 * and a failed run writes no cache).
 */
export function runKind(argv: readonly string[]): string {
  const [first] = argv;
  if (first !== undefined && first !== 'run' && first !== 'attach' && !first.startsWith('-'))
    return /^[a-z]{1,16}$/.test(first) ? first : 'command';
  if (argv.includes('--daemon')) return 'daemon';
  const print = argv.some((arg) => arg === '-p' || arg === '--prompt' || arg.startsWith('--prompt='));
  return print ? 'print' : 'workspace';
}

export function boot(argv: readonly string[]): void {
  const env = process.env;
  const dataDir = env.OCTO_CODE_CACHE === '0' ? null : dataFolder(env);
  runBundle(fileURLToPath(new URL('../cjs/octo.js', import.meta.url)), {
    dataDir,
    runtime: [process.version, process.arch, ...process.execArgv, env.NODE_OPTIONS ?? ''].join(' '),
    uid: process.getuid?.(),
    kind: runKind(argv),
  });
}

/** The data folder, or null when it cannot be told (no home folder): then no cache, and main.ts reports. */
function dataFolder(env: NodeJS.ProcessEnv): string | null {
  try {
    return resolvePaths(env, homedir()).data;
  } catch {
    return null;
  }
}
