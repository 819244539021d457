import type { SessionRecord } from '../store/index.js';
import type { SearchHit } from './types.js';

/** What of a record is searchable, and what kind of hit it makes. */
export interface RecordText {
  text: string;
  kind: SearchHit['kind'];
  toolName?: string;
}

/** Characters of one record indexed: a capped tool output is already at most this big. */
const MAX_INDEXED_CHARS = 60_000;
/** Longer words (hashes, base64) are cut to this: a prefix of a sha still finds it. */
const MAX_TERM_CHARS = 32;
/** Letters, digits and `_` of any script; everything else separates words. */
const WORD = /[\p{L}\p{N}_]+/gu;
/** Where identifiers split into words of their own: `readFile`, `read_file`, `HTTPServer`. */
const SUBWORD = /[\p{Lu}]?[\p{Ll}\p{N}]+|[\p{Lu}]+(?![\p{Ll}])|[\p{Lu}]/gu;

/**
 * Messages (their text, and the tool names and arguments of calls, which hold file paths), tool
 * outputs, compression summaries, knowledge and attachment names. Commands are not searched.
 */
export function recordText(record: SessionRecord): RecordText | null {
  switch (record.kind) {
    case 'message': {
      const calls = (record.toolCalls ?? []).map((call) => `${call.name} ${call.arguments}`);
      const text = [record.content, ...calls].filter((part) => part !== '').join('\n');
      if (text === '') return null;
      const toolName = record.toolName ?? record.toolCalls?.[0]?.name;
      return {
        text: text.slice(0, MAX_INDEXED_CHARS),
        kind: record.role,
        ...(toolName === undefined ? {} : { toolName }),
      };
    }
    case 'compaction':
      return record.failed === undefined && record.summary !== ''
        ? { text: record.summary, kind: 'summary' }
        : null;
    case 'knowledge':
      return record.text === undefined || record.text === ''
        ? null
        : { text: record.text, kind: 'knowledge' };
    case 'attachment':
      return { text: record.name, kind: 'attachment' };
    case 'command':
      return null;
  }
}

/** The words of a text as the index holds them: lower case, with identifiers split as well as whole. */
export function tokenize(text: string): string[] {
  const terms: string[] = [];
  for (const match of text.matchAll(WORD)) {
    const word = match[0];
    const whole = normalizeTerm(word);
    if (whole.length < 2) continue;
    terms.push(whole);
    if (!/[_\p{Lu}]/u.test(word)) continue;
    for (const part of word.matchAll(SUBWORD)) {
      const sub = normalizeTerm(part[0]);
      if (sub.length >= 2 && sub !== whole) terms.push(sub);
    }
  }
  return terms;
}

/** Term frequencies of a text. */
export function termCounts(text: string): { counts: Map<string, number>; length: number } {
  const counts = new Map<string, number>();
  const terms = tokenize(text);
  for (const term of terms) counts.set(term, (counts.get(term) ?? 0) + 1);
  return { counts, length: terms.length };
}

export function normalizeTerm(word: string): string {
  return word.toLowerCase().slice(0, MAX_TERM_CHARS);
}

/** The words of a query, each matched whole; the last also as a prefix, so a search box finds as one types. */
export function queryWords(text: string): Array<{ term: string; prefix: boolean }> {
  // One-letter words are not indexed (they are in nearly every record).
  const words = [
    ...new Set([...text.matchAll(WORD)].map((m) => normalizeTerm(m[0])).filter((w) => w.length >= 2)),
  ];
  return words.map((term, i) => ({ term, prefix: i === words.length - 1 && !/\s$/.test(text) }));
}
