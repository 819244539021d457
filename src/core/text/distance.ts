/** "Did you mean": the names nearest a mistyped one. */
import { distance } from 'fastest-levenshtein';

/** Edit distance (insertions, deletions, substitutions), case-insensitive. */
export function editDistance(a: string, b: string): number {
  return distance(a.toLowerCase(), b.toLowerCase());
}

/** Names closest to `wanted`: prefix and substring matches first, then by edit distance. */
export function closest(wanted: string, names: readonly string[], limit: number): string[] {
  const lower = wanted.toLowerCase();
  const score = (name: string): number => {
    const n = name.toLowerCase();
    if (n.startsWith(lower) || lower.startsWith(n)) return 0;
    if (n.includes(lower) || lower.includes(n)) return 1;
    return 1 + editDistance(lower, n);
  };
  const threshold = Math.max(3, Math.ceil(wanted.length / 2));
  return [...new Set(names)]
    .map((name) => ({ name, score: score(name) }))
    .filter((entry) => entry.score <= threshold)
    .sort((a, b) => a.score - b.score || a.name.localeCompare(b.name))
    .slice(0, limit)
    .map((entry) => entry.name);
}
