import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const providerDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../src/core/provider');

/** Static `import`/`export ... from` specifiers of a source file (dynamic `import()` excluded). */
async function staticImports(file: string): Promise<string[]> {
  const source = await readFile(file, 'utf8');
  return [...source.matchAll(/^(?:import|export)\s[^;]*?\sfrom\s+'([^']+)'/gms)].map(
    (match) => match[1] ?? '',
  );
}

/** Every provider-domain file index.ts reaches through static imports. */
async function reachable(entry: string): Promise<Map<string, string[]>> {
  const seen = new Map<string, string[]>();
  const queue = [entry];
  for (let file = queue.pop(); file !== undefined; file = queue.pop()) {
    if (seen.has(file)) continue;
    const specifiers = await staticImports(file);
    seen.set(file, specifiers);
    for (const specifier of specifiers) {
      const target = path.resolve(path.dirname(file), specifier.replace(/\.js$/, '.ts'));
      if (specifier.startsWith('./')) queue.push(target);
    }
  }
  return seen;
}

describe('the provider index', () => {
  it('loads without the openai SDK, which only the lazily imported client pulls in', async () => {
    const graph = await reachable(path.join(providerDir, 'index.ts'));
    const sdkImporters = [...graph].filter(([, specifiers]) =>
      specifiers.some((s) => s === 'openai' || s.startsWith('openai/')),
    );
    expect([...graph.keys()].map((file) => path.basename(file))).toContain('pricing.ts');
    expect(sdkImporters.map(([file]) => path.basename(file))).toEqual([]);
    const client = await staticImports(path.join(providerDir, 'openai-client.ts'));
    expect(client).toContain('openai');
  });
});
