/**
 * OpenRouter's `reasoning_details`, streamed as pieces: each delta holds entries that continue the
 * entry of the same `index` (and type) — `text` and `summary` pieces are concatenated, a `signature`
 * or encrypted `data` arrives once, often in a piece of its own at the end (Anthropic's signature
 * comes after the text, without text). The merged list is sent back verbatim, in order, so it must
 * be exactly what the model produced.
 */
type Entry = Record<string, unknown>;

/** String fields that arrive in pieces; every other field is taken when it first has a value. */
const CONCATENATED = new Set(['text', 'summary', 'data']);

export class ReasoningDetails {
  private readonly entries: Entry[] = [];

  /** Adds one delta's entries; returns the readable text they carry (for display), possibly ''. */
  push(pieces: readonly unknown[]): string {
    let readable = '';
    for (const piece of pieces) {
      if (typeof piece !== 'object' || piece === null || Array.isArray(piece)) continue;
      const entry = piece as Entry;
      readable += readableText(entry);
      const target = this.continued(entry);
      if (target === null) this.entries.push({ ...entry });
      else merge(target, entry);
    }
    return readable;
  }

  list(): unknown[] {
    return this.entries.map((entry) => ({ ...entry }));
  }

  private continued(entry: Entry): Entry | null {
    const last = this.entries.at(-1);
    if (last === undefined) return null;
    const sameIndex = entry.index === undefined || entry.index === last.index;
    const sameType = entry.type === undefined || entry.type === last.type;
    const sameId =
      entry.id === undefined ||
      entry.id === null ||
      last.id === undefined ||
      last.id === null ||
      entry.id === last.id;
    return sameIndex && sameType && sameId ? last : null;
  }
}

function merge(target: Entry, piece: Entry): void {
  for (const [key, value] of Object.entries(piece)) {
    if (value === null || value === undefined) continue;
    const current = target[key];
    if (CONCATENATED.has(key) && typeof value === 'string' && typeof current === 'string') {
      target[key] = current + value;
    } else if (current === null || current === undefined) {
      target[key] = value;
    }
  }
}

function readableText(entry: Entry): string {
  if (entry.type === 'reasoning.text' && typeof entry.text === 'string') return entry.text;
  if (entry.type === 'reasoning.summary' && typeof entry.summary === 'string') return entry.summary;
  return '';
}
