/**
 * Writes many records into a closed session's file at once, in the store's own line format, for
 * tests and benchmarks of very long sessions (20,000 messages through the turn loop would take
 * hours; through the store's flushed appends, minutes). The session must not be open anywhere.
 */
import { appendFile } from 'node:fs/promises';
import path from 'node:path';
import { ZERO_USAGE, type NewRecord, type Usage } from '../../src/core/store/records.js';

/** A request's usage: `input` prompt and `output` completion tokens, nothing cached, no reasoning. */
export function usage(input: number, output: number): Usage {
  return { ...ZERO_USAGE, input, output };
}

/** How the store names a record's document (see session-writer.ts). */
function docId(seq: number): string {
  return `r${String(seq).padStart(12, '0')}`;
}

/** Appends `records` after seq `lastSeq` to the session file of `sessionId`; returns the new last seq. */
export async function seedRecords(
  dataDir: string,
  sessionId: string,
  lastSeq: number,
  records: readonly NewRecord[],
  at = '2025-06-01T10:00:00.000Z',
): Promise<number> {
  const lines = records.map((record, i) => {
    const seq = lastSeq + i + 1;
    return `${JSON.stringify({ _id: docId(seq), ...record, seq, at })}\n`;
  });
  await appendFile(path.join(dataDir, 'sessions', `${sessionId}.db`), lines.join(''));
  return lastSeq + records.length;
}

/** A question and its answer, `count` times: a long, plain history. */
export function conversation(
  count: number,
  line: (turn: number, role: 'user' | 'assistant') => string,
): NewRecord[] {
  const records: NewRecord[] = [];
  for (let turn = 1; records.length < count; turn += 1) {
    records.push({ kind: 'message', role: 'user', content: line(turn, 'user'), inContext: true });
    if (records.length < count)
      records.push({
        kind: 'message',
        role: 'assistant',
        content: line(turn, 'assistant'),
        inContext: true,
        model: 'test:fake-model',
      });
  }
  return records;
}
