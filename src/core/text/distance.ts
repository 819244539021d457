/** Edit distance (insertions, deletions, substitutions), case-insensitive, for "did you mean". */
export function editDistance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  let previous = Array.from({ length: y.length + 1 }, (_, i) => i);
  for (let i = 1; i <= x.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= y.length; j += 1) {
      const substitution = (previous[j - 1] ?? 0) + (x[i - 1] === y[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[y.length] ?? 0;
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
