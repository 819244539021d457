import { copyFile, link } from 'node:fs/promises';
import { errnoCode, OctoError } from '../errors.js';
import type { EventBus } from '../events.js';
import type {
  AttachmentRef,
  CommandRecord,
  NewRecord,
  SessionRecord,
  SessionStore,
  SessionSummary,
  SessionWriter,
} from '../store/index.js';
import { mediaPath } from './media.js';
import { danglingToolCalls, interruptedResult } from './repair.js';
import { indexSummary } from './summary.js';

/** Commands that make the origin what it is (its name, its place in the trash): the fork has its own. */
const IDENTITY_COMMANDS = new Set<CommandRecord['command']>(['create', 'rename', 'trash', 'restore']);

/** The origin's records up to and including `atSeq` (all when absent), as a fork copies them. */
export function recordsToFork(
  name: string,
  records: readonly SessionRecord[],
  atSeq?: number,
): SessionRecord[] {
  const last = records.at(-1)?.seq ?? 0;
  if (atSeq !== undefined && (!Number.isSafeInteger(atSeq) || atSeq < 1 || atSeq > last)) {
    throw new OctoError(
      'session_not_found',
      `Session ${name} has no record ${atSeq}: its records are 1 to ${last}.`,
      {
        details: { name, atSeq, last },
      },
    );
  }
  return records.filter(
    (r) =>
      (atSeq === undefined || r.seq <= atSeq) && !(r.kind === 'command' && IDENTITY_COMMANDS.has(r.command)),
  );
}

/**
 * Appends copies of `records` to a new session, content unchanged: seqs are the fork's own, so a
 * compaction's list of compacted seqs is mapped to them. A cut between a tool call and its result
 * gets the synthetic result a crash would (invariant 3 in docs/architecture.md). Returns media files the origin lacks.
 */
export async function copyIntoFork(
  writer: SessionWriter,
  records: readonly SessionRecord[],
  originMedia: string,
): Promise<string[]> {
  const missing = await copyMedia(records, originMedia, writer.mediaDir());
  const seqs = new Map<number, number>();
  for (const record of records) {
    const stored = await writer.append(forkCopy(record, seqs));
    seqs.set(record.seq, stored.seq);
  }
  for (const call of danglingToolCalls(writer.records())) await writer.append(interruptedResult(call));
  return missing;
}

function forkCopy(record: SessionRecord, seqs: ReadonlyMap<number, number>): NewRecord {
  const copy: Record<string, unknown> = { ...record };
  // The fork's writer gives each copy its own seq and time.
  delete copy.seq;
  delete copy.at;
  if (record.kind === 'compaction')
    copy.compactedSeqs = record.compactedSeqs.flatMap((s) => seqs.get(s) ?? []);
  // The fork is created where the origin is now: an old move must not send it back.
  if (record.kind === 'message' && record.notice?.kind === 'moved') delete copy.notice;
  return copy as unknown as NewRecord;
}

/** Media are linked, not copied, where the file system allows: they are immutable, named by hash. */
async function copyMedia(records: readonly SessionRecord[], from: string, to: string): Promise<string[]> {
  const refs = new Map<string, AttachmentRef>();
  for (const record of records) {
    if (record.kind === 'attachment') refs.set(record.sha256, record);
    if (record.kind === 'message') for (const ref of record.attachments ?? []) refs.set(ref.sha256, ref);
  }
  const missing: string[] = [];
  for (const ref of refs.values()) {
    const source = mediaPath(from, ref);
    const target = mediaPath(to, ref);
    try {
      await link(source, target);
    } catch (error) {
      const code = errnoCode(error);
      if (code === 'ENOENT') missing.push(source);
      else if (code === 'EXDEV' || code === 'EPERM' || code === 'EMLINK') await copyFile(source, target);
      else if (code !== 'EEXIST') throw error;
    }
  }
  return missing;
}

export interface ForkDeps {
  store: SessionStore;
  bus: EventBus;
}

/**
 * Makes `newName` from the origin's history up to `atSeq`: created where the origin is now, with the
 * origin's first model (later switches are among the copied records) and `parentId` set, so lists show
 * it under its origin. Works from a snapshot, so the origin may be open for writing anywhere.
 */
export async function forkSession(
  deps: ForkDeps,
  origin: { summary: SessionSummary; records: readonly SessionRecord[] },
  newName: string,
  atSeq?: number,
): Promise<SessionSummary> {
  const { summary, records } = origin;
  const copied = recordsToFork(summary.name, records, atSeq);
  const created = records.find(
    (r): r is Extract<CommandRecord, { command: 'create' }> => r.kind === 'command' && r.command === 'create',
  );
  const writer = await deps.store.create({
    name: newName,
    projectDir: summary.projectDir,
    projectId: summary.projectId,
    model: created?.model ?? summary.model,
    parentId: summary.id,
    ...(summary.projectGroup === undefined ? {} : { projectGroup: summary.projectGroup }),
  });
  try {
    for (const file of await copyIntoFork(writer, copied, deps.store.mediaDir(summary.id))) {
      deps.bus.emit('store.warning', {
        warning: {
          kind: 'storeIssue',
          path: file,
          message: `The origin ${summary.name} lacks this attachment; the fork refers to it all the same.`,
        },
      });
    }
    const stored = await deps.store.putSummary(indexSummary(writer.id, writer.records()));
    deps.bus.emit('session.listChanged', { reason: 'created' });
    return stored;
  } finally {
    await writer.close();
  }
}
