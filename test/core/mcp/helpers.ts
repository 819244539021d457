import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { McpServerInfo, McpStatus, Workspace } from '../../../src/core/api.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

export const NODE = process.execPath;
export const fixture = (name: string): string => path.join(here, 'fixtures', name);
/** The reference servers from npm, run by path so no network or PATH is needed. */
export const FILESYSTEM_SERVER = require.resolve('@modelcontextprotocol/server-filesystem/dist/index.js');
export const EVERYTHING_SERVER = path.join(
  path.dirname(require.resolve('@modelcontextprotocol/server-everything/package.json')),
  'dist',
  'index.js',
);

/** One `[[mcp.servers]]` entry for a stdio server. */
export function stdioServer(name: string, args: string[], extra = ''): string {
  return [
    `[[mcp.servers]]`,
    `name = "${name}"`,
    `command = ${JSON.stringify(NODE)}`,
    `args = ${JSON.stringify(args)}`,
    extra,
  ].join('\n');
}

/** Resolves with the server's info once it reaches `status` (at once if it already has). */
export function waitForStatus(ws: Workspace, name: string, status: McpStatus): Promise<McpServerInfo> {
  return new Promise((resolve, reject) => {
    const check = (): boolean => {
      const info = ws.mcp.list().find((s) => s.name === name);
      if (info?.status !== status) return false;
      off();
      resolve(info);
      return true;
    };
    const off = ws.on('mcp.status', ({ server, status: now }) => {
      if (server !== name) return;
      if (now === status) check();
      else if (now === 'failed' && status !== 'failed') {
        off();
        reject(new Error(`${name} failed: ${ws.mcp.list().find((s) => s.name === name)?.reason ?? ''}`));
      }
    });
    check();
  });
}

/**
 * True when no process has this id any more, not even a zombie: octo's own children must be reaped
 * (docs/faults.md row 19), so this is the check for the servers it started.
 */
export async function gone(pid: number): Promise<boolean> {
  try {
    await readFile(`/proc/${pid}/stat`, 'utf8');
    return false;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return true;
    throw error;
  }
}

/** True while a process exists and is not a zombie; for grandchildren, which init reaps in its own time. */
export async function alive(pid: number): Promise<boolean> {
  try {
    return !/^\d+ \(.*\) Z/.test(await readFile(`/proc/${pid}/stat`, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

/** Tool names offered in a recorded provider request. */
export function offeredTools(body: { tools?: unknown[] }): string[] {
  return (body.tools ?? []).map((t) => (t as { function: { name: string } }).function.name);
}
