import { readFile } from 'node:fs/promises';
import { getErrorMessage, isOctoError } from '../errors.js';
import type { SessionRecord, SessionSummary } from './records.js';
import { parseSessionData, readStamp } from './checked-stamp.js';
import { indexPrepareContext, type StoreContext } from './context.js';
import { ensureDataDirs } from './data-dir.js';
import { writeIndex } from './index-file.js';
import { withIndexLock } from './index-lock.js';
import { readError } from './io.js';
import { MAX_NAME_LENGTH } from './names.js';
import { corruptFileError } from './nedb-file.js';
import { acquireSessionLock } from './session-lock.js';
import { listSessionFiles, toRecords, type SessionFileEntry } from './session-file.js';
import { NedbSessionWriter } from './session-writer.js';
import type { RecordRebuild } from './types.js';

/** Leaves the record sink as it was (the search index gives its lock back) before a failure goes on up. */
function abortWith(sink: RecordRebuild): (error: unknown) => Promise<never> {
  return async (error) => {
    await sink.abort();
    throw error;
  };
}

export type IndexSummaryOf = (id: string, records: readonly SessionRecord[]) => SessionSummary;

/** `octo doctor --reindex`: takes the index lock, rebuilds index.db and feeds the record sink anew. */
export async function reindexSessions(ctx: StoreContext, summarize: IndexSummaryOf): Promise<number> {
  await ensureDataDirs(ctx);
  return withIndexLock(ctx.layout, ctx, () => rebuildIndex(ctx, summarize, null));
}

/**
 * Rebuilds index.db from the session files (it is only a cache, docs/architecture.md "Data"); the caller holds the
 * index lock. Files are read without writing. A damaged file is indexed all the same, with what can be
 * read of it and `damaged` saying where, so that it stays listed and opening it names the damage. Two
 * sessions with one name (left by an older octo that lost its index) both stay reachable: the later
 * one is renamed. The oldest-changed file gets the lowest order, so "most recent" survives the
 * rebuild. `why` (null when asked for) goes into the notice. Returns the number of sessions indexed.
 */
export async function rebuildIndex(
  ctx: StoreContext,
  summarize: IndexSummaryOf,
  why: string | null,
): Promise<number> {
  const summaries: SessionSummary[] = [];
  const sink = await ctx.sink.rebuild();
  let damaged = 0;
  const files = await listSessionFiles(ctx.layout).catch(abortWith(sink));
  for (const file of files) {
    const { records, damage } = await readForIndex(ctx, file).catch(abortWith(sink));
    const summary = { ...summarize(file.id, records), id: file.id, order: summaries.length + 1 };
    if (damage !== null) {
      damaged += 1;
      ctx.warnings.push({ kind: 'storeIssue', path: file.path, message: `Indexed as damaged: ${damage}` });
      summaries.push({ ...summary, damaged: damage });
      continue;
    }
    summaries.push(summary);
    await sink.add(file.id, records).catch(abortWith(sink));
  }
  await sink.finish();
  await renameDuplicates(ctx, summaries, summarize);
  await writeIndex(ctx.layout, indexPrepareContext(ctx), summaries);
  const read = `${summaries.length} session${summaries.length === 1 ? '' : 's'} read from their files`;
  const reason = `${why === null ? '' : `${why}; `}${read}${damaged > 0 ? `, ${damaged} of them damaged` : ''}`;
  ctx.warnings.push({ kind: 'indexRebuilt', path: ctx.layout.indexPath, reason });
  return summaries.length;
}

/** The records of a session file as far as they can be read, and where it is damaged (null if whole). */
async function readForIndex(
  ctx: StoreContext,
  file: SessionFileEntry,
): Promise<{ records: SessionRecord[]; damage: string | null }> {
  let data: Buffer;
  try {
    data = await readFile(file.path);
  } catch (error) {
    throw readError(file.path, error);
  }
  const { parsed } = parseSessionData(data, await readStamp(ctx.layout.checkedStampPath(file.id)));
  const damage =
    parsed.corrupt === null
      ? null
      : corruptFileError(file.path, parsed.corrupt.line, parsed.corrupt.reason).message;
  return { records: toRecords(parsed.docs), damage };
}

/**
 * Names are unique by construction (a session is created under the index lock, after checking it),
 * but an older octo that lost its index could make a second session of one name. The one created
 * first keeps the name; each later one is renamed in its own file (`NAME-2`, ...), and the user is told.
 */
async function renameDuplicates(
  ctx: StoreContext,
  summaries: SessionSummary[],
  summarize: IndexSummaryOf,
): Promise<void> {
  const byName = new Map<string, SessionSummary[]>();
  for (const summary of summaries) {
    if (summary.trashedAt !== null || summary.damaged !== undefined) continue;
    byName.set(summary.name, [...(byName.get(summary.name) ?? []), summary]);
  }
  const taken = new Set(summaries.map((s) => s.name));
  for (const [name, group] of byName) {
    if (group.length < 2) continue;
    // Summaries come oldest file first, and the sort is stable: of equal ages the older file wins.
    const [keeper, ...later] = [...group].sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    for (const duplicate of later) {
      const newName = freeName(name, taken);
      const file = ctx.layout.sessionPath(duplicate.id);
      try {
        const records = await appendRename(ctx, duplicate.id, newName, name);
        taken.add(newName);
        const index = summaries.indexOf(duplicate);
        summaries[index] = { ...summarize(duplicate.id, records), id: duplicate.id, order: duplicate.order };
        ctx.warnings.push({
          kind: 'storeIssue',
          path: file,
          message: `Two sessions were named ${name}: ${keeper?.id ?? '?'} keeps the name; ${duplicate.id} is now ${newName}.`,
        });
      } catch (error) {
        // Open in another process: it stays listed under the same name and reachable by its id.
        ctx.warnings.push({
          kind: 'storeIssue',
          path: file,
          message: `Two sessions are named ${name}; ${duplicate.id} could not be renamed (${getErrorMessage(error)}). Open it by its id, or rename it: octo sessions rename ${duplicate.id} NEW_NAME`,
        });
        if (!isOctoError(error)) throw error;
      }
    }
  }
}

/** `name-2`, `name-3`, ... the first not taken, shortened to stay a valid name. */
function freeName(name: string, taken: ReadonlySet<string>): string {
  for (let n = 2; ; n += 1) {
    const suffix = `-${n}`;
    const candidate = `${name.slice(0, MAX_NAME_LENGTH - suffix.length)}${suffix}`;
    if (!taken.has(candidate)) return candidate;
  }
}

async function appendRename(
  ctx: StoreContext,
  id: string,
  name: string,
  previous: string,
): Promise<readonly SessionRecord[]> {
  const lock = await acquireSessionLock(ctx.layout.sessionPath(id), ctx.layout.ownerPath(id), id, ctx);
  let writer: NedbSessionWriter;
  try {
    writer = await NedbSessionWriter.open(id, lock, ctx);
  } catch (error) {
    await lock.release();
    throw error;
  }
  try {
    await writer.append({ kind: 'command', command: 'rename', name, previous });
    return writer.records();
  } finally {
    await writer.close();
  }
}
