import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ESLint, Linter } from 'eslint';
import tseslint from 'typescript-eslint';
import { afterEach, describe, expect, it } from 'vitest';
import octo from '../../eslint-rules/domain-boundaries.js';
import { makeTempDir, type TempDir } from '../support/temp.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const run = promisify(execFile);

/** Lints `code` as if it were the file `file` (relative to the repository) with the boundary rule alone. */
function boundaryErrors(file: string, code: string): string[] {
  const linter = new Linter({ configType: 'flat', cwd: root });
  const messages = linter.verify(
    code,
    [
      {
        files: ['**/*.ts'],
        plugins: { octo },
        languageOptions: { parser: tseslint.parser },
        rules: { 'octo/domain-boundaries': 'error' },
      },
    ],
    { filename: path.join(root, file) },
  );
  return messages.map((m) => m.message);
}

describe('the import boundary lint rule', () => {
  it('refuses a deep import across core domains and names the public face', () => {
    const errors = boundaryErrors('src/core/jobs/x.ts', "import { summarize } from '../session/summary.js';");
    expect(errors).toEqual([
      "'../session/summary.js' is internal to core/session: import it from '../session/index.js', the domain's public face (or add it there). See docs/architecture.md, \"Domains\".",
    ]);
  });

  it('keeps the search engine behind its face: the store, the session domain and the TUI go through it', () => {
    expect(
      boundaryErrors('src/core/store/x.ts', "import { SearchIndex } from '../search/search-index.js';"),
    ).toEqual([
      "'../search/search-index.js' is internal to core/search: import it from '../search/index.js', the domain's public face (or add it there). See docs/architecture.md, \"Domains\".",
    ]);
    expect(
      boundaryErrors('src/core/session/x.ts', "import type { RecordHit } from '../search/search.js';"),
    ).toHaveLength(1);
    expect(boundaryErrors('src/tui/x.ts', "import { tokenize } from '../core/search/text.js';")).toHaveLength(
      1,
    );
    expect(
      boundaryErrors('src/core/session/x.ts', "import type { RecordSearch } from '../search/index.js';"),
    ).toEqual([]);
    expect(boundaryErrors('src/core/api.ts', "import type { SearchHit } from './search/types.js';")).toEqual(
      [],
    );
  });

  it('refuses the TUI and the CLI reaching into a core domain, type imports and re-exports included', () => {
    expect(
      boundaryErrors('src/tui/app/x.ts', "import type { X } from '../../core/store/session-store.js';"),
    ).toHaveLength(1);
    expect(
      boundaryErrors('src/cli/x.ts', "export { closest } from '../core/text/distance.js';"),
    ).toHaveLength(1);
    expect(
      boundaryErrors('src/tui/x.ts', "const m = await import('../core/session/handle.js');"),
    ).toHaveLength(1);
  });

  it('accepts a domain face, a contract module, and imports inside a domain', () => {
    expect(boundaryErrors('src/core/jobs/x.ts', "import { summarize } from '../session/index.js';")).toEqual(
      [],
    );
    expect(boundaryErrors('src/tui/x.ts', "import { ZERO_USAGE } from '../core/store/records.js';")).toEqual(
      [],
    );
    expect(boundaryErrors('src/core/store/x.ts', "import { StoreLayout } from './layout.js';")).toEqual([]);
    expect(boundaryErrors('src/core/jobs/x.ts', "import type { Workspace } from '../api.js';")).toEqual([]);
  });

  it('keeps the contract a leaf: api.ts may import only contract modules', () => {
    expect(boundaryErrors('src/core/api.ts', "import type { JobInfo } from './jobs/types.js';")).toEqual([]);
    expect(boundaryErrors('src/core/api.ts', "import type { Tool } from './tools/index.js';")).toEqual([
      '\'./tools/index.js\' is not part of the contract, and core/api.ts is: contract modules import only each other, so that the contract stays a leaf that the domains implement. See docs/architecture.md, "The contract".',
    ]);
    expect(
      boundaryErrors('src/core/store/records.ts', "import type { X } from '../session/index.js';"),
    ).toHaveLength(1);
  });

  it('is switched on for every source file by the repository lint configuration', async () => {
    const eslint = new ESLint({ cwd: root });
    for (const file of ['src/core/jobs/job-manager.ts', 'src/tui/index.ts', 'src/cli/main.ts']) {
      const config = (await eslint.calculateConfigForFile(file)) as { rules: Record<string, unknown> };
      expect(config.rules['octo/domain-boundaries']).toEqual([2]);
    }
  });
});

describe('the lint rules on layers and comments', () => {
  /** Rule ids and lines of what the repository configuration reports for `code` as the file `file`. */
  async function reported(file: string, code: string): Promise<string[]> {
    // The type-aware rules need the file on disk; these rules do not.
    const eslint = new ESLint({ cwd: root, overrideConfig: tseslint.configs.disableTypeChecked });
    const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
    return (result?.messages ?? []).map((m) => `${m.ruleId ?? 'parse'}:${m.line}`);
  }

  it('refuses an outer layer by its relative path, not a package folder of the same name', async () => {
    const code = [
      "import { a } from '../../tui/app/state.js';",
      "import { Client } from '@modelcontextprotocol/sdk/client/index.js';",
      "import { b } from '../client/index.js';",
      'export const c = [a, b, Client];',
    ].join('\n');
    expect(await reported('src/core/mcp/probe.ts', code)).toEqual([
      'no-restricted-imports:1',
      'no-restricted-imports:3',
    ]);
  });

  it('refuses comments citing documents the repository does not hold', async () => {
    const code = [
      '// as DESIGN.md says',
      '/** see issue 15 */',
      '/** the one writer (invariant 4) */',
      '/** the one writer (invariant 4 in docs/architecture.md) */',
      '/** docs/faults.md row 21 */',
      'export const x = 1;',
    ].join('\n');
    expect(await reported('src/tui/probe.ts', code)).toEqual([
      'octo/references-in-repo:1',
      'octo/references-in-repo:2',
      'octo/references-in-repo:3',
    ]);
  });
});

describe('the import cycle check (npm run cycles, part of npm run lint)', () => {
  let temp: TempDir | null = null;
  afterEach(async () => {
    await temp?.cleanup();
    temp = null;
  });

  it('fails on a cycle of type-only imports', async () => {
    temp = await makeTempDir('octo-cycles');
    // As in the repository, `./b.js` names b.ts (NodeNext resolution).
    await writeFile(
      path.join(temp.path, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext' } }),
    );
    await writeFile(
      path.join(temp.path, 'a.ts'),
      "import type { B } from './b.js';\nexport type A = { b?: B };\n",
    );
    await writeFile(
      path.join(temp.path, 'b.ts'),
      "import type { A } from './a.js';\nexport type B = { a?: A };\n",
    );
    const scripts = (
      JSON.parse(await readFile(path.join(root, 'package.json'), 'utf8')) as {
        scripts: Record<string, string>;
      }
    ).scripts;
    const args = (scripts['cycles'] ?? '')
      .split(' ')
      .slice(1)
      .map((a) => a.replace(/^'src\/\*\*\/\*\.ts'$/, '*.ts'));
    const dpdm = path.join(root, 'node_modules', '.bin', 'dpdm');
    const outcome = await run(dpdm, args, { cwd: temp.path }).then(
      () => ({ code: 0, stdout: '' }),
      (error: { code: number; stdout: string }) => error,
    );
    expect(outcome.code).toBe(1);
    expect(outcome.stdout).toMatch(/[ab]\.ts -> [ab]\.ts/);
  });
});
