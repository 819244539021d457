/**
 * Knowledge entries found in free text: a summary written in prose (the model ignored the JSON it was
 * asked for), or the developer's own messages when octo has to compress without a model. Decisions
 * and constraints are what must survive a compression, so they are looked for in the forms models
 * and people write them: labelled lines, headed lists, and (in prose only) sentences that say so.
 */
import type { KnowledgeCategory } from '../store/index.js';
import type { NewKnowledge } from './knowledge.js';

/** Entries taken from one text at most: a rambling reply cannot flood the context. */
const MAX_ENTRIES = 24;
/** Characters of one entry kept. */
const MAX_ENTRY_CHARS = 600;
/** A heading is short; a longer line ending in ":" is a sentence introducing something. */
const MAX_HEADING_WORDS = 8;
/** Shorter fragments say too little to be worth carrying. */
const MIN_ENTRY_WORDS = 3;

/** Words before the colon of a labelled line ("Key decision: ..."). */
const MAX_LABEL_WORDS = 3;

/** Words of a heading over a list of items, in the order they are tried. */
const HEADING_WORDS: ReadonlyArray<[KnowledgeCategory, RegExp]> = [
  ['decision', /\b(decisions?|decided|agreed|agreements?|choices)\b/i],
  ['constraint', /\b(constraints?|requirements?|rules?|limits?|limitations?|restrictions?|must)\b/i],
  ['preference', /\b(preferences?|prefers?|preferred|conventions?|style)\b/i],
  ['finding', /\b(findings?|learned|lessons?|discovered|discoveries|observations?|facts)\b/i],
];

/** Sentences of prose that state a decision or a constraint. */
const SENTENCE_WORDS: ReadonlyArray<[KnowledgeCategory, RegExp]> = [
  ['decision', /\b(decided|decision|agreed (to|on|that)|chose to|opted to|settled on)\b/i],
  [
    'constraint',
    /\b(must( not| never)?|never|always|is required|are required|not allowed|may not|no more than|at most|constraint)\b/i,
  ],
  ['preference', /\b(prefers?|preference|would rather)\b/i],
];

/** Markdown emphasis, list markers and heading hashes around a line's words. */
function plain(line: string): string {
  return line
    .replace(/^\s*(#{1,6}\s+|>\s*)?/, '')
    .replace(/^\s*([-*+•]|\d{1,3}[.)])\s+/, '')
    .replace(/(\*\*|__|`)/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

function isItem(line: string): boolean {
  return /^\s*([-*+•]|\d{1,3}[.)])\s+\S/.test(line);
}

function wordCount(text: string): number {
  return text.split(/\s+/).filter(Boolean).length;
}

function categoryOf(
  text: string,
  table: ReadonlyArray<[KnowledgeCategory, RegExp]>,
): KnowledgeCategory | null {
  return table.find(([, pattern]) => pattern.test(text))?.[0] ?? null;
}

/** "Decision: use JWT", "- **Constraint** – no network": the category and the statement. */
function labelled(line: string): NewKnowledge | null {
  const match = /^([A-Za-z ]{3,32}?)\s*[:–—-]\s+(.+)$/.exec(plain(line));
  const label = (match?.[1] ?? '').trim();
  if (match === null || wordCount(label) > MAX_LABEL_WORDS) return null;
  const category = categoryOf(label, HEADING_WORDS);
  return category === null ? null : { category, text: match[2] ?? '' };
}

interface Section {
  category: KnowledgeCategory;
  /** "Decisions and constraints": each item is classified by its own words. */
  mixed: boolean;
}

/** A heading over a list: "## Decisions", "**Key constraints**", "Constraints we agreed on:". */
function heading(line: string): Section | null {
  const text = plain(line);
  const marked =
    /^\s*#{1,6}\s/.test(line) || /^\s*(\*\*|__).+(\*\*|__):?\s*$/.test(line) || text.endsWith(':');
  if (!marked || isItem(line) || wordCount(text) > MAX_HEADING_WORDS) return null;
  const matches = HEADING_WORDS.filter(([, pattern]) => pattern.test(text));
  const first = matches[0];
  return first === undefined ? null : { category: first[0], mixed: matches.length > 1 };
}

function sentences(text: string): string[] {
  return text
    .split(/(?<=[.!?])\s+(?=[A-Z"'(])|\n+/)
    .map(plain)
    .filter(Boolean);
}

function clean(entry: NewKnowledge): NewKnowledge {
  const text = entry.text.replace(/\s+/g, ' ').trim();
  return { category: entry.category, text: text.slice(0, MAX_ENTRY_CHARS) };
}

/** Distinct entries of some length, at most MAX_ENTRIES: the first ones, or the newest with `newest`. */
function unique(entries: readonly NewKnowledge[], newest = false): NewKnowledge[] {
  const seen = new Set<string>();
  const kept = entries.map(clean).filter((e) => {
    const key = e.text.toLowerCase();
    if (wordCount(e.text) < MIN_ENTRY_WORDS || seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return newest ? kept.slice(-MAX_ENTRIES) : kept.slice(0, MAX_ENTRIES);
}

/** Labelled lines and the items of headed lists. */
function structuredEntries(text: string): NewKnowledge[] {
  const found: NewKnowledge[] = [];
  let section: Section | null = null;
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const label = labelled(line);
    const head = label === null ? heading(line) : null;
    if (label !== null) found.push(label);
    else if (head !== null) section = head;
    else if (section !== null && isItem(line)) {
      const item = plain(line);
      const own = section.mixed ? categoryOf(item, SENTENCE_WORDS) : null;
      found.push({ category: own ?? section.category, text: item });
    } else if (!isItem(line)) section = null;
  }
  return found;
}

/**
 * Entries of a prose summary: labelled lines and headed lists first; when it has none, the sentences
 * that state a decision, a constraint or a preference.
 */
export function knowledgeFromProse(text: string): NewKnowledge[] {
  const structured = unique(structuredEntries(text));
  if (structured.length > 0) return structured;
  return unique(
    sentences(text).flatMap((sentence) => {
      const category = categoryOf(sentence, SENTENCE_WORDS);
      return category === null ? [] : [{ category, text: sentence }];
    }),
  );
}

/**
 * Entries the developer stated in their own messages, in the explicit forms only (a labelled line, a
 * headed list): a message's ordinary "must" is an instruction of the moment, not a lasting rule.
 */
export function knowledgeFromMessages(texts: readonly string[]): NewKnowledge[] {
  return unique(texts.flatMap(structuredEntries), true);
}
