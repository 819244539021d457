/**
 * Splits a typed command line into words the way a POSIX shell would for plain cases: whitespace
 * separates, '…' keeps everything, "…" keeps everything but \" and \\, a backslash escapes one
 * character. Returns null on an unterminated quote. No expansion of any kind.
 */
export function splitWords(line: string): string[] | null {
  const words: string[] = [];
  let current: string | null = null;
  let quote: "'" | '"' | null = null;
  for (let i = 0; i < line.length; i += 1) {
    const ch = line[i] ?? '';
    if (quote === "'") {
      if (ch === "'") quote = null;
      else current += ch;
    } else if (quote === '"') {
      if (ch === '"') quote = null;
      else if (ch === '\\' && (line[i + 1] === '"' || line[i + 1] === '\\')) current += line[++i] ?? '';
      else current += ch;
    } else if (/\s/.test(ch)) {
      if (current !== null) words.push(current);
      current = null;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      current ??= '';
    } else if (ch === '\\') {
      current = (current ?? '') + (line[++i] ?? '');
    } else {
      current = (current ?? '') + ch;
    }
  }
  if (quote !== null) return null;
  if (current !== null) words.push(current);
  return words;
}
