/**
 * Permissions mean nothing to root: it reads and writes a 0500 folder or a 0000 file all the same. CI
 * runs as root, so the parts of tests about permissions run as an unprivileged user: as root, as
 * `nobody` through `setpriv` (util-linux, on every Debian); as anyone else, as themselves. Nothing is
 * skipped either way.
 */
import { execFileSync, spawn } from 'node:child_process';
import { chown, readdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const IS_ROOT = process.getuid?.() === 0;
/** tsx's loader by path: `--import tsx` would be looked up from the child's cwd, a temp folder. */
const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const USER = 'nobody';
const GROUP = 'nogroup';

/** The command and arguments that run `command args` as the unprivileged user. */
export function unprivileged(command: string, args: readonly string[]): [string, string[]] {
  if (!IS_ROOT) return [command, [...args]];
  return ['setpriv', [`--reuid=${USER}`, `--regid=${GROUP}`, '--clear-groups', '--', command, ...args]];
}

/** Gives a folder (and everything in it) to the unprivileged user, so it can work there. */
export async function handOver(dir: string): Promise<void> {
  if (!IS_ROOT) return;
  const uid = Number(execFileSync('id', ['-u', USER], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('getent', ['group', GROUP], { encoding: 'utf8' }).split(':')[2]);
  const visit = async (target: string): Promise<void> => {
    await chown(target, uid, gid);
    for (const entry of await readdir(target, { withFileTypes: true })) {
      const inner = path.join(target, entry.name);
      if (entry.isDirectory()) await visit(inner);
      else await chown(inner, uid, gid);
    }
  };
  await visit(dir);
}

export interface ChildResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command as the unprivileged user and collects what it printed. */
export function runUnprivileged(
  command: string,
  args: readonly string[],
  options: { cwd: string; env: Record<string, string> },
): Promise<ChildResult> {
  const [file, argv] = unprivileged(command, args);
  const child = spawn(file, argv, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/**
 * Runs `exportName(...args)` of a test module (through tsx) as the unprivileged user and returns what
 * it resolved to, or the code, message and details of what it threw.
 */
export async function callUnprivileged(
  module: string,
  exportName: string,
  args: readonly unknown[],
  cwd: string,
): Promise<{ ok: true; value: unknown } | { ok: false; code?: string; message: string; details?: unknown }> {
  const runner = path.join(import.meta.dirname, 'unprivileged-call.ts');
  const result = await runUnprivileged(
    process.execPath,
    ['--import', TSX_LOADER, runner, module, exportName, JSON.stringify(args)],
    { cwd, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: cwd } },
  );
  if (result.code !== 0)
    throw new Error(`the unprivileged call failed (${String(result.code)}): ${result.stderr}`);
  return JSON.parse(result.stdout) as Awaited<ReturnType<typeof callUnprivileged>>;
}
