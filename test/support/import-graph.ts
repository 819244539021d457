import { readFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * Static `import`/`export ... from` specifiers of a source file (dynamic `import()` excluded); with
 * `valuesOnly`, type-only imports (erased when compiled) are left out too.
 */
export async function staticImports(file: string, valuesOnly = false): Promise<string[]> {
  const source = await readFile(file, 'utf8');
  return [...source.matchAll(/^(?:import|export)\s(type\s)?[^;]*?\sfrom\s+'([^']+)'/gms)]
    .filter((match) => !valuesOnly || match[1] === undefined)
    .map((match) => match[2] ?? '');
}

/**
 * Every source file the entry reaches through static imports whose specifier `follow` accepts,
 * with that file's specifiers.
 */
export async function reachable(
  entry: string,
  follow: (specifier: string) => boolean,
  valuesOnly = false,
): Promise<Map<string, string[]>> {
  const seen = new Map<string, string[]>();
  const queue = [entry];
  for (let file = queue.pop(); file !== undefined; file = queue.pop()) {
    if (seen.has(file)) continue;
    const specifiers = await staticImports(file, valuesOnly);
    seen.set(file, specifiers);
    for (const specifier of specifiers) {
      if (follow(specifier)) queue.push(path.resolve(path.dirname(file), specifier.replace(/\.js$/, '.ts')));
    }
  }
  return seen;
}
