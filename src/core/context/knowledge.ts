import type {
  KnowledgeCategory,
  KnowledgeEntry,
  KnowledgeRecord,
  NewRecord,
  SessionRecord,
} from '../store/index.js';

export interface NewKnowledge {
  category: KnowledgeCategory;
  text: string;
}

/**
 * The entries as the records leave them: adds, pins, unpins and forgets replayed in seq order. Of the
 * unpinned entries only the newest fit under `retention` (pinned ones count against it first), so the
 * same records and config always give the same context (invariant 5 in docs/architecture.md).
 */
export function knowledgeEntries(records: readonly SessionRecord[], retention: number): KnowledgeEntry[] {
  const entries = new Map<string, KnowledgeEntry>();
  for (const record of records) {
    if (record.kind === 'knowledge') apply(entries, record);
  }
  const all = [...entries.values()];
  const pinned = all.filter((e) => e.pinned).length;
  let room = Math.max(0, retention - pinned);
  for (const entry of [...all].reverse()) {
    if (entry.pinned) continue;
    entry.retained = room > 0;
    if (room > 0) room -= 1;
  }
  return all;
}

function apply(entries: Map<string, KnowledgeEntry>, record: KnowledgeRecord): void {
  const entry = entries.get(record.entryId);
  switch (record.op) {
    case 'add':
      if (entry === undefined && record.category !== undefined && record.text !== undefined) {
        entries.set(record.entryId, {
          id: record.entryId,
          category: record.category,
          text: record.text,
          pinned: false,
          seq: record.seq,
          retained: true,
        });
      }
      return;
    case 'pin':
    case 'unpin':
      if (entry !== undefined) entry.pinned = record.op === 'pin';
      return;
    case 'forget':
      entries.delete(record.entryId);
      return;
  }
}

/** Case, punctuation and spacing do not make a different fact. */
export function normalizeKnowledge(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** The new entries that say something not already known (equal, or contained in a known entry). */
export function freshKnowledge(
  found: readonly NewKnowledge[],
  known: readonly KnowledgeEntry[],
): NewKnowledge[] {
  const seen = known.map((e) => normalizeKnowledge(e.text));
  const fresh: NewKnowledge[] = [];
  for (const entry of found) {
    const norm = normalizeKnowledge(entry.text);
    if (norm === '' || seen.some((s) => s === norm || s.includes(norm))) continue;
    seen.push(norm);
    fresh.push(entry);
  }
  return fresh;
}

/** Short ids the user can type (/knowledge pin K7), never reused within a session. */
export function knowledgeRecords(
  records: readonly SessionRecord[],
  fresh: readonly NewKnowledge[],
): NewRecord[] {
  const used = records.filter((r) => r.kind === 'knowledge' && r.op === 'add').length;
  return fresh.map((entry, i) => ({
    kind: 'knowledge',
    op: 'add',
    entryId: `K${used + i + 1}`,
    category: entry.category,
    text: entry.text,
  }));
}

/** The knowledge section of the system message: retained entries, grouped by category. */
export function renderKnowledge(entries: readonly KnowledgeEntry[]): string {
  const kept = entries.filter((e) => e.retained);
  if (kept.length === 0) return '';
  const lines = kept.map((e) => `- [${e.category}] ${e.text}${e.pinned ? ' (pinned)' : ''}`);
  return ['## Knowledge carried from earlier in this session', ...lines].join('\n');
}
