import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { reachable, staticImports } from '../../support/import-graph.js';

const coreDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../src/core');

describe('start-up', () => {
  it('does not load the MCP SDK: servers connect in the background through a lazily imported adapter', async () => {
    const graph = await reachable(path.join(coreDir, 'workspace.ts'), (specifier) =>
      specifier.startsWith('.'),
    );
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
