import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const coreDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../src/core');

/** Static `import`/`export ... from` specifiers of a source file (dynamic `import()` excluded). */
async function staticImports(file: string): Promise<string[]> {
  const source = await readFile(file, 'utf8');
  return [...source.matchAll(/^(?:import|export)\s[^;]*?\sfrom\s+'([^']+)'/gms)].map(
    (match) => match[1] ?? '',
  );
}

/** Every core file the entry reaches through static relative imports, with its specifiers. */
async function reachable(entry: string): Promise<Map<string, string[]>> {
  const seen = new Map<string, string[]>();
  const queue = [entry];
  for (let file = queue.pop(); file !== undefined; file = queue.pop()) {
    if (seen.has(file)) continue;
    const specifiers = await staticImports(file);
    seen.set(file, specifiers);
    for (const specifier of specifiers) {
      if (specifier.startsWith('.'))
        queue.push(path.resolve(path.dirname(file), specifier.replace(/\.js$/, '.ts')));
    }
  }
  return seen;
}

describe('start-up', () => {
  it('does not load the MCP SDK: servers connect in the background through a lazily imported adapter', async () => {
    const graph = await reachable(path.join(coreDir, 'workspace.ts'));
    const names = [...graph.keys()].map((file) => path.relative(coreDir, file));
    expect(names).toContain('mcp/manager.ts');
    const sdkImporters = [...graph].filter(([, specifiers]) =>
      specifiers.some((s) => s.startsWith('@modelcontextprotocol/')),
    );
    expect(sdkImporters.map(([file]) => path.relative(coreDir, file))).toEqual([]);
    expect(await staticImports(path.join(coreDir, 'mcp', 'connection.ts'))).toContain(
      '@modelcontextprotocol/sdk/client/index.js',
    );
  });
});
