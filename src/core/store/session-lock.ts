import { readFileSync } from 'node:fs';
import { readFile, rm, rmdir, stat } from 'node:fs/promises';
import { setTimeout as delay } from 'node:timers/promises';
import lockfile from 'proper-lockfile';
import * as z from 'zod';
import { OctoError, errnoCode, getErrorMessage } from '../errors.js';
import type { Clock } from '../deps.js';
import { readError, saveError, type StoreIo } from './io.js';
import { lockFs } from '../lock-fs.js';
import type { LockHolder } from './types.js';
import type { WarningSink } from './warnings.js';
import { lazily } from '../lazy.js';

export interface LockContext {
  pid: number;
  host: string;
  staleLockMs: number;
  clock: Clock;
  io: StoreIo;
  warnings: WarningSink;
}

/** The lock of one session file, held by this process (invariant 4 in docs/architecture.md). */
export interface HeldLock {
  /** Set once proper-lockfile reports the lock compromised (taken over, or not refreshed in time). */
  lostReason(): string | null;
  /** Removes the owner file, then the lock; a no-op once lost, since the lock may be someone else's now. */
  release(): Promise<void>;
  /** The holder that died holding the lock (kill -9, a crash) and from which it was taken over; else null. */
  takenOverFrom(): LockHolder | null;
}

/**
 * A live holder writes its owner file milliseconds after taking the lock; a lock still without one
 * after this long was left by a holder killed in between, and is taken over like a dead one.
 */
export const OWNERLESS_GRACE_MS = 1_000;
/** How often a younger lock without owner is looked at again while its holder may be writing one. */
const OWNER_POLL_MS = 25;

const ownerSchema = lazily(() => z.object({ pid: z.number().int(), since: z.string(), host: z.string() }));

/**
 * Takes the session lock. A live holder means `session_locked`; a holder that died on this host
 * (kill -9), one killed before it wrote its owner file, or a lock nobody refreshed within the stale
 * time, is taken over with a warning (docs/faults.md row 11).
 */
export async function acquireSessionLock(
  file: string,
  ownerFile: string,
  id: string,
  ctx: LockContext,
): Promise<HeldLock> {
  let lost: string | null = null;
  const onCompromised = (error: Error): void => {
    lost = getErrorMessage(error);
    // proper-lockfile's default is to throw from a timer, which would kill the process.
    ctx.warnings.push({
      kind: 'storeIssue',
      path: `${file}.lock`,
      message: `Lost the lock on session ${id} (${lost}); further writes to it are refused.`,
    });
  };
  const { release, takenFrom } = await lockOrTakeOver(file, ownerFile, id, ctx, onCompromised);
  let leftover: LockHolder | null = null;
  try {
    // The lock is ours; an owner file still here was left by a holder that never released it.
    leftover = (await readOwner(ownerFile)) ?? takenFrom;
    if (leftover !== null)
      ctx.warnings.push({ kind: 'staleLockTaken', sessionId: id, path: file, holder: leftover });
    const owner: LockHolder = {
      pid: ctx.pid,
      since: new Date(ctx.clock.now()).toISOString(),
      host: ctx.host,
    };
    // Atomic for other processes reading it; after a crash of the machine the holder is gone anyway.
    await ctx.io.replaceUnflushed(ownerFile, `${JSON.stringify(owner)}\n`);
  } catch (error) {
    await release();
    throw saveError(ownerFile, error);
  }
  return {
    takenOverFrom: () => leftover,
    lostReason: () => lost,
    release: async () => {
      if (lost !== null) return;
      try {
        // Owner file first: a crash in between leaves a lock without owner, never a stranger's owner file.
        await rm(ownerFile, { force: true });
      } finally {
        await release();
      }
    },
  };
}

/** Who holds the lock right now, or null when nobody live does (for read-only views and doctor). */
export async function currentHolder(
  file: string,
  ownerFile: string,
  ctx: LockContext,
): Promise<LockHolder | null> {
  const fresh = await lockfile.check(file, { stale: ctx.staleLockMs, realpath: false, fs: lockFs });
  if (!fresh) return null;
  const owner = await readOwner(ownerFile);
  if (owner !== null) return diedHere(owner, ctx.host) ? null : owner;
  const age = await lockAge(file);
  if (age === null || age >= OWNERLESS_GRACE_MS) return null;
  return unknownHolder(file, ctx);
}

export async function readOwner(ownerFile: string): Promise<LockHolder | null> {
  let text: string;
  try {
    text = await readFile(ownerFile, 'utf8');
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return null;
    throw error;
  }
  // Written atomically by us; anything unreadable is treated as "holder unknown", judged by the lock's age.
  const parsed = ownerSchema().safeParse(parseJson(text));
  return parsed.success ? parsed.data : null;
}

/**
 * True only when we can tell for sure: same host, and the kernel says no such process, or that it has
 * exited and waits only to be reaped (a zombie: just after a kill -9, before its parent shell waits).
 */
export function diedHere(holder: LockHolder, host: string): boolean {
  if (holder.host !== host || !Number.isSafeInteger(holder.pid) || holder.pid <= 0) return false;
  try {
    process.kill(holder.pid, 0);
  } catch (error) {
    // EPERM means the process exists but belongs to someone else.
    return errnoCode(error) === 'ESRCH';
  }
  return exitedUnreaped(holder.pid);
}

/** Linux's process state Z (or X): exited, holding nothing. Elsewhere, or unreadable: false. */
function exitedUnreaped(pid: number): boolean {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return false;
  }
  // The command name may hold spaces and parentheses: the state is the first field after the last ')'.
  const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  return state === 'Z' || state === 'X';
}

interface Taken {
  release: () => Promise<void>;
  /** The holder whose lock was taken over when it left no owner file, for the staleLockTaken warning. */
  takenFrom: LockHolder | null;
}

async function lockOrTakeOver(
  file: string,
  ownerFile: string,
  id: string,
  ctx: LockContext,
  onCompromised: (error: Error) => void,
): Promise<Taken> {
  const options = { stale: ctx.staleLockMs, realpath: false, retries: 0, fs: lockFs, onCompromised };
  try {
    return { release: await lockfile.lock(file, options), takenFrom: null };
  } catch (error) {
    if (errnoCode(error) !== 'ELOCKED') throw saveError(`${file}.lock`, error);
  }
  const state = await settledHolder(file, ownerFile, ctx);
  if (!state.dead) throw lockedError(id, state.holder);
  // The holder was killed (kill -9) and left a fresh-looking lock: remove it and race for it once more.
  await removeLockDir(`${file}.lock`, state.mtimeMs);
  try {
    const takenFrom = state.owned || state.mtimeMs === null ? null : state.holder;
    return { release: await lockfile.lock(file, options), takenFrom };
  } catch (error) {
    if (errnoCode(error) !== 'ELOCKED') throw saveError(`${file}.lock`, error);
    throw lockedError(id, (await readOwner(ownerFile)) ?? (await unknownHolder(file, ctx)));
  }
}

interface HolderState {
  holder: LockHolder;
  /** Known to be gone: its pid is dead on this host, or it never wrote an owner file within the grace. */
  dead: boolean;
  /** The holder came from an owner file (which the warning after takeover reads itself). */
  owned: boolean;
  /** The lock folder's time when judged: a different one later is a new lock, not this one. */
  mtimeMs: number | null;
}

/**
 * Who holds a lock we could not take. A lock younger than the grace may still be getting its owner
 * file, so it is watched until the file appears or the grace is over; only then is it judged.
 */
async function settledHolder(file: string, ownerFile: string, ctx: LockContext): Promise<HolderState> {
  for (;;) {
    const mtimeMs = await lockTime(file);
    const owner = await readOwner(ownerFile);
    if (owner !== null) return { holder: owner, dead: diedHere(owner, ctx.host), owned: true, mtimeMs };
    const age = mtimeMs === null ? null : ageOf(mtimeMs);
    if (age === null || age >= OWNERLESS_GRACE_MS) {
      return { holder: await unknownHolder(file, ctx), dead: true, owned: false, mtimeMs };
    }
    await delay(Math.min(OWNER_POLL_MS, OWNERLESS_GRACE_MS - age));
  }
}

/** Milliseconds since the lock folder was made or last refreshed, or null once it is gone. */
async function lockAge(file: string): Promise<number | null> {
  const mtimeMs = await lockTime(file);
  return mtimeMs === null ? null : ageOf(mtimeMs);
}

async function lockTime(file: string): Promise<number | null> {
  try {
    return (await stat(`${file}.lock`)).mtimeMs;
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return null;
    throw readError(`${file}.lock`, error);
  }
}

function ageOf(mtimeMs: number): number {
  // proper-lockfile stamps the folder with the wall clock, so it is compared with the wall clock.
  return Math.max(0, Date.now() - mtimeMs);
}

export function lockedError(id: string, holder: LockHolder): OctoError {
  const who = holder.pid > 0 ? `process ${holder.pid} on ${holder.host}` : 'another process';
  return new OctoError(
    'session_locked',
    `Session ${id} is open for writing by ${who} since ${holder.since}.`,
    {
      details: { holder },
    },
  );
}

/** A lock whose owner file is missing (taken a moment ago, or by an older octo): known only by its time. */
async function unknownHolder(file: string, ctx: LockContext): Promise<LockHolder> {
  try {
    const { mtime } = await stat(`${file}.lock`);
    return { pid: 0, since: mtime.toISOString(), host: '' };
  } catch (error) {
    if (errnoCode(error) !== 'ENOENT') throw error;
    // Released while we looked: the holder is gone, but the caller saw it held a moment ago.
    return { pid: 0, since: new Date(ctx.clock.now()).toISOString(), host: '' };
  }
}

/** Removes the lock folder judged dead, unless it has since been replaced by someone's new lock. */
async function removeLockDir(dir: string, judgedMtimeMs: number | null): Promise<void> {
  try {
    if ((await stat(dir)).mtimeMs !== judgedMtimeMs) return;
    await rmdir(dir);
  } catch (error) {
    // Someone else removed it first; the lock attempt that follows decides who wins.
    if (errnoCode(error) !== 'ENOENT') throw saveError(dir, error);
  }
}

function parseJson(text: string): unknown {
  // Not a value worth an error: the caller treats an unreadable owner file as an unknown holder.
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
