/**
 * Every line of a session file is checked against the record schema when it is read (record-schema.ts).
 * Done in full at every open, that check would be most of the cost of resuming a long session (zod's
 * first runs in a fresh process cost tens of milliseconds for 2,000 records), so a writer leaves a
 * stamp when it closes: the length and SHA-256 of the bytes it knows are valid, because it checked them
 * when it read them or when it appended them. A later read checks in full only what lies past a prefix
 * whose bytes still hash to the stamp; anything else (a changed byte, a compaction, another schema
 * version, a damaged stamp) is checked in full. Stamps are a cache (`<data>/cache/checked/`).
 */
import { createHash } from 'node:crypto';
import { readJsonFile } from '../replace-file.js';
import type { StoreIo } from './io.js';
import { parseNedbFile, type NedbDoc, type ParsedNedbFile } from './line-parser.js';
import { RECORD_SCHEMA_VERSION, readRecordDoc, upgradeRecordDoc } from './record-schema.js';

export interface CheckedStamp {
  /** The record schema the bytes were checked against. */
  v: number;
  bytes: number;
  sha256: string;
}

const NEWLINE = 0x0a;

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** The stamp of a session file, or null when there is none or it cannot be used (it is only a cache). */
export async function readStamp(file: string): Promise<CheckedStamp | null> {
  // A stamp torn by a crash vouches for nothing; the file is checked in full and stamped again.
  const value = await readJsonFile(file);
  if (typeof value !== 'object' || value === null) return null;
  const { v, bytes, sha256: hash } = value as Record<string, unknown>;
  if (v !== RECORD_SCHEMA_VERSION || typeof bytes !== 'number' || typeof hash !== 'string') return null;
  return { v, bytes, sha256: hash };
}

/** How many leading bytes of `data` the stamp vouches for: all of its prefix, or none. */
function vouchedBytes(data: Buffer, stamp: CheckedStamp | null): number {
  if (stamp === null || stamp.bytes <= 0 || stamp.bytes > data.length) return 0;
  // A stamp ends at a line's end; anything else is not a prefix of whole lines.
  if (data[stamp.bytes - 1] !== NEWLINE) return 0;
  return sha256(data.subarray(0, stamp.bytes)) === stamp.sha256 ? stamp.bytes : 0;
}

/**
 * Parses a session file's bytes: the stamped prefix is only brought up to date, the rest is checked
 * in full. `vouched` is how many bytes the stamp covered (all of them: the file is as last stamped).
 */
export function parseSessionData(
  data: Buffer,
  stamp: CheckedStamp | null,
): { parsed: ParsedNedbFile; vouched: number } {
  const vouched = vouchedBytes(data, stamp);
  const prefix = vouched > 0 ? { bytes: vouched, check: (doc: NedbDoc) => upgradeRecordDoc(doc) } : undefined;
  return { parsed: parseNedbFile(data, (doc) => readRecordDoc(doc), prefix), vouched };
}

/** Stamps the file's bytes as checked; a stamp that already says so is not written again. */
export async function writeStamp(
  stampFile: string,
  data: Buffer,
  previous: CheckedStamp | null,
  io: StoreIo,
): Promise<void> {
  const stamp: CheckedStamp = { v: RECORD_SCHEMA_VERSION, bytes: data.length, sha256: sha256(data) };
  if (previous?.bytes === stamp.bytes && previous.sha256 === stamp.sha256) return;
  await io.replaceUnflushed(stampFile, JSON.stringify(stamp));
}
