/**
 * Where a daemon of session NAME listens: `$XDG_RUNTIME_DIR/octo/NAME.sock` (a per-user folder the
 * system empties at logout), else `<data>/run/NAME.sock`; beside it `NAME.json` (0600) holds its pid
 * and the token a client must present.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import type { Env } from '../core/deps.js';

/** sun_path holds 108 bytes on Linux and 104 on macOS, the final NUL included. */
const MAX_SOCKET_PATH_BYTES = 100;

export function daemonDir(env: Env, dataDir: string): string {
  const runtime = env.XDG_RUNTIME_DIR;
  // The XDG spec: a relative or empty value is invalid and must be ignored.
  if (runtime !== undefined && path.isAbsolute(runtime)) return path.join(runtime, 'octo');
  return path.join(dataDir, 'run');
}

export interface DaemonPaths {
  dir: string;
  socket: string;
  info: string;
}

/** A name too long for a socket path gets a hashed file name in the same folder. */
export function daemonPaths(dir: string, name: string): DaemonPaths {
  const plain = path.join(dir, `${name}.sock`);
  const socket =
    Buffer.byteLength(plain) <= MAX_SOCKET_PATH_BYTES
      ? plain
      : path.join(dir, `${createHash('sha256').update(name).digest('hex').slice(0, 16)}.sock`);
  return { dir, socket, info: path.join(dir, `${name}.json`) };
}
