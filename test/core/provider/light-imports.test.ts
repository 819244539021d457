import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { reachable, staticImports } from '../../support/import-graph.js';

const providerDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../src/core/provider');

describe('the provider index', () => {
  it('loads without the openai SDK, which only the lazily imported client pulls in', async () => {
    const graph = await reachable(path.join(providerDir, 'index.ts'), (specifier) =>
      specifier.startsWith('./'),
    );
    const sdkImporters = [...graph].filter(([, specifiers]) =>
      specifiers.some((s) => s === 'openai' || s.startsWith('openai/')),
    );
    expect([...graph.keys()].map((file) => path.basename(file))).toContain('pricing.ts');
    expect(sdkImporters.map(([file]) => path.basename(file))).toEqual([]);
    const client = await staticImports(path.join(providerDir, 'openai-client.ts'));
    expect(client).toContain('openai');
  });
});
