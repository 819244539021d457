import { execFile } from 'node:child_process';
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import * as z from 'zod';
import { errnoCode, getErrorMessage } from '../errors.js';
import { readJsonFile, replaceFile } from '../replace-file.js';
import type { ChildNotes } from './types.js';
import { Watchdog } from './watchdog.js';
import { lazily } from '../lazy.js';

const run = promisify(execFile);

/** Folder under the data folder where each process group octo starts is noted. */
export const CHILDREN_DIR = 'children';
/** How long a left-over group gets between SIGTERM and SIGKILL when it is stopped on start. */
const SWEEP_GRACE_MS = 1000;

const recordSchema = lazily(() =>
  z.object({
    pid: z.number().int().positive(),
    /** When the process started (boot-relative), so a pid the system gave to someone else is not ours. */
    started: z.string(),
    command: z.string(),
    owner: z.object({ pid: z.number().int().positive(), started: z.string() }),
  }),
);
type ChildRecord = z.infer<ReturnType<typeof recordSchema>>;

/**
 * When a process started, as a string that differs for two processes that had the same pid: on
 * Linux the start time in clock ticks from /proc and the boot's id; elsewhere what `ps` says.
 * Null when no such process runs (a zombie counts as gone: it no longer runs anything).
 */
export async function processStart(pid: number): Promise<string | null> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // The command name may hold spaces and parentheses: the fields start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (fields[0] === 'Z' || fields[0] === 'X') return null;
    const boot = (await readFile('/proc/sys/kernel/random/boot_id', 'utf8')).trim();
    return `${boot}:${fields[19] ?? ''}`;
  } catch (error) {
    // ESRCH: the process ended between opening its file and reading it.
    const code = errnoCode(error);
    if (code !== 'ENOENT' && code !== 'ESRCH') throw error;
    if (process.platform === 'linux') return null;
  }
  try {
    const { stdout } = await run('ps', ['-o', 'lstart=', '-p', String(pid)]);
    return stdout.trim() === '' ? null : stdout.trim();
  } catch (error) {
    // ps exits 1 when there is no such process.
    if ((error as { code?: unknown }).code === 1) return null;
    throw error;
  }
}

function signalGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch (error) {
    if (errnoCode(error) === 'ESRCH') return false;
    throw error;
  }
}

/** True while any process of the group runs. */
const groupAlive = (pgid: number): boolean => signalGroup(pgid, 0);

/**
 * Each process group octo starts (shell commands, background jobs, MCP servers) is noted here, one
 * file per group, and forgotten once the group is stopped. A `kill -9` of octo cannot stop its
 * children, so the next octo to start stops the groups whose octo is gone (docs/faults.md row 37), after
 * checking that each pid still names the process that was noted: a pid the system gave to another
 * process is left alone.
 */
export class ChildRegistry implements ChildNotes {
  private owner: Promise<ChildRecord['owner'] | null> | null = null;
  /** Stops the groups at once when this octo ends without stopping them; the notes are the fallback. */
  private readonly watchdog: Watchdog;

  constructor(
    private readonly dataDir: string,
    private readonly ownerPid: number,
    /** A note that could not be written or removed: the group runs on, unprotected against a kill -9. */
    private readonly onError: (message: string) => void,
  ) {
    this.watchdog = new Watchdog(onError);
  }

  private get dir(): string {
    return path.join(this.dataDir, CHILDREN_DIR);
  }

  private file(pid: number): string {
    return path.join(this.dir, `${this.ownerPid}-${pid}.json`);
  }

  /** Notes a group just started (its leader's pid is its group id). Never rejects: see onError. */
  async add(pid: number, command: string): Promise<void> {
    this.watchdog.watch(pid);
    try {
      this.owner ??= processStart(this.ownerPid).then((started) =>
        started === null ? null : { pid: this.ownerPid, started },
      );
      const [owner, started] = await Promise.all([this.owner, processStart(pid)]);
      // Already gone, or octo cannot tell its own start: nothing a later start could check.
      if (owner === null || started === null) return;
      const record: ChildRecord = { pid, started, command: command.slice(0, 200), owner };
      await mkdir(this.dir, { recursive: true, mode: 0o700 });
      await replaceFile(this.file(pid), `${JSON.stringify(record)}\n`, { flush: false });
    } catch (error) {
      this.onError(`Process ${pid} could not be noted in ${this.dir}: ${getErrorMessage(error)}`);
    }
  }

  /** The group is stopped: forget it. Never rejects: see onError. */
  async remove(pid: number): Promise<void> {
    this.watchdog.forget(pid);
    try {
      await rm(this.file(pid), { force: true });
    } catch (error) {
      this.onError(`The note of process ${pid} could not be removed: ${getErrorMessage(error)}`);
    }
  }

  /** This octo is closing: its watchdog stops what still runs, then exits. */
  close(): void {
    this.watchdog.close();
  }

  /**
   * Stops the groups left by octo processes that are gone, and forgets them. Returns what was
   * stopped, one line each. Groups of a running octo are left to it.
   */
  async sweep(): Promise<string[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (error) {
      // No folder, or the data folder is not one (its own check names that, with the path): nothing ran.
      const code = errnoCode(error);
      if (code === 'ENOENT' || code === 'ENOTDIR') return [];
      // A folder that cannot be read must not keep octo from starting either.
      this.onError(`The notes in ${this.dir} could not be read: ${getErrorMessage(error)}`);
      return [];
    }
    const stopped: string[] = [];
    for (const name of names.filter((n) => n.endsWith('.json'))) {
      const file = path.join(this.dir, name);
      try {
        const done = await sweepOne(file);
        if (done !== null) stopped.push(done);
      } catch (error) {
        // One note that cannot be read or removed must not keep octo from starting.
        this.onError(`The note ${file} could not be handled: ${getErrorMessage(error)}`);
      }
    }
    return stopped;
  }
}

/** Stops the group of one note if its octo is gone and the pid is still the one noted; forgets it. */
async function sweepOne(file: string): Promise<string | null> {
  const record = await readRecord(file);
  if (record !== null && (await processStart(record.owner.pid)) === record.owner.started) return null;
  let stopped: string | null = null;
  if (record !== null && (await ours(record))) {
    await stopGroup(record.pid);
    stopped = `${record.pid} (${record.command})`;
  }
  await rm(file, { force: true });
  return stopped;
}

async function readRecord(file: string): Promise<ChildRecord | null> {
  const parsed = recordSchema().safeParse(await readJsonFile(file));
  return parsed.success ? parsed.data : null;
}

/**
 * Whether the group noted is still the one octo started: its leader is the same process (same start),
 * or the leader is gone but its group lives on (a pid is not given out again while a group bears it).
 */
async function ours(record: ChildRecord): Promise<boolean> {
  const leader = await processStart(record.pid);
  if (leader !== null) return leader === record.started;
  return groupAlive(record.pid);
}

async function stopGroup(pgid: number): Promise<void> {
  if (!signalGroup(pgid, 'SIGTERM')) return;
  for (let waited = 0; waited < SWEEP_GRACE_MS && groupAlive(pgid); waited += 50)
    await new Promise((resolve) => setTimeout(resolve, 50));
  signalGroup(pgid, 'SIGKILL');
}
