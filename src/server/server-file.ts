/**
 * `<data>/server.json`: where a running `octo server` listens and, when the server made its own token,
 * that token, so local clients (`octo attach`) can connect. 0600; removed when the server stops.
 */
import { rm } from 'node:fs/promises';
import path from 'node:path';
import * as z from 'zod';
import { readJsonFile, replaceFile } from '../core/replace-file.js';
import { isAlive } from './private-files.js';
import { lazily } from '../core/lazy.js';

const serverInfoSchema = lazily(() =>
  z.object({
    url: z.string(),
    pid: z.number().int(),
    started: z.string(),
    /** Absent when the token came from $OCTO_SERVER_TOKEN: a secret the user keeps is not copied to disk. */
    token: z.string().optional(),
  }),
);

export type ServerInfo = z.infer<ReturnType<typeof serverInfoSchema>>;

export function serverFilePath(dataDir: string): string {
  return path.join(dataDir, 'server.json');
}

/** The running server of this data folder, or null (no file, an unreadable one, or its process gone). */
export async function readServerFile(dataDir: string): Promise<ServerInfo | null> {
  // A torn or foreign file names no server; the next server replaces it.
  const parsed = serverInfoSchema().safeParse(await readJsonFile(serverFilePath(dataDir)));
  return parsed.success && isAlive(parsed.data.pid) ? parsed.data : null;
}

export async function writeServerFile(dataDir: string, info: ServerInfo): Promise<void> {
  await replaceFile(serverFilePath(dataDir), `${JSON.stringify(info, null, 2)}\n`, { flush: false });
}

/** Removes the file if it is still this process's (another server may have replaced it since). */
export async function removeServerFile(dataDir: string, pid: number): Promise<void> {
  const current = await readServerFile(dataDir).catch(() => null);
  if (current !== null && current.pid !== pid) return;
  await rm(serverFilePath(dataDir), { force: true });
}
