/** Applying 'session.recordsChanged' to a snapshot: how a front end follows a session without sharing its arrays. */
import { assertNever } from '../errors.js';
import type { RecordsChange } from '../events.js';
import type { SessionRecord } from '../store/index.js';

/** Index of the record with `seq` in records ordered by seq, or -1. */
function indexOfSeq(records: readonly SessionRecord[], seq: number): number {
  let low = 0;
  let high = records.length - 1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    const at = records[mid]?.seq ?? 0;
    if (at === seq) return mid;
    if (at < seq) low = mid + 1;
    else high = mid - 1;
  }
  return -1;
}

/**
 * The records after one change, as a new array; `records` itself is left as it was, so a snapshot
 * taken earlier never changes. Applying a change twice is harmless (appends are by seq, updates
 * replace), which lets a snapshot taken while a write lands meet that write's event.
 */
export function applyRecordsChange(
  records: readonly SessionRecord[],
  change: RecordsChange,
): readonly SessionRecord[] {
  switch (change.kind) {
    case 'replaced':
      return change.records;
    case 'appended': {
      const last = records.at(-1)?.seq ?? 0;
      const fresh = change.records.filter((record) => record.seq > last);
      return fresh.length === 0 ? records : [...records, ...fresh];
    }
    case 'updated': {
      let next: SessionRecord[] | null = null;
      for (const record of change.records) {
        const index = indexOfSeq(records, record.seq);
        if (index === -1) continue;
        next ??= [...records];
        next[index] = record;
      }
      return next ?? records;
    }
    default:
      return assertNever(change, 'records change');
  }
}
