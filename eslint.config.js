import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import octo from './eslint-rules/domain-boundaries.js';

const terminalModules = ['neo-blessed', 'blessed', 'chalk'];

/**
 * An import of our own layers `names` (a relative path through src/<name>/). Only relative paths: a
 * package's own folders may carry the same names (@modelcontextprotocol/sdk/client/index.js).
 */
function layers(names, message) {
  return { regex: `^\\.{1,2}/(?:.*/)?(?:${names.join('|')})/`, message };
}

/**
 * A layer under src/ that may import only core (server, client): no terminal, no console, no stdout,
 * and the environment only as it is given.
 */
function coreOnlyLayer(layer, messages) {
  const others = ['tui', 'cli', 'server', 'client'].filter((name) => name !== layer);
  return {
    files: [`src/${layer}/**/*.ts`],
    rules: {
      'no-console': 'error',
      'no-restricted-imports': [
        'error',
        {
          paths: terminalModules.map((name) => ({ name, message: messages.terminal })),
          patterns: [layers(others, `${layer} may import only core.`)],
        },
      ],
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'stdout', message: messages.stdout },
        { object: 'process', property: 'env', message: `src/${layer} reads the environment it is given.` },
      ],
    },
  };
}

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'bin/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', ignoreRestSiblings: true }],
      'no-empty': ['error', { allowEmptyCatch: false }],
    },
  },
  // Domains are reached through their public faces; the contract stays a leaf (eslint-rules/).
  {
    files: ['src/**/*.ts'],
    plugins: { octo },
    rules: { 'octo/domain-boundaries': 'error' },
  },
  // Comments point only at what the repository holds (eslint-rules/references.js).
  {
    files: ['src/**/*.ts', 'test/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts'],
    plugins: { octo },
    rules: { 'octo/references-in-repo': 'error' },
  },
  {
    files: ['**/*.js', '**/*.cjs', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  // The layer rule (docs/architecture.md "The house"): core knows no terminal and no outer layer.
  {
    files: ['src/core/**/*.ts'],
    rules: {
      'no-console': 'error',
      'no-restricted-imports': [
        'error',
        {
          paths: terminalModules.map((name) => ({
            name,
            message: 'src/core knows no terminal (docs/architecture.md "The house").',
          })),
          patterns: [layers(['tui', 'cli', 'server', 'client'], 'src/core may not import outer layers.')],
        },
      ],
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'stdout', message: 'src/core never writes to the terminal.' },
        {
          object: 'process',
          property: 'env',
          message: 'src/core reads the environment only through deps.env.',
        },
      ],
    },
  },
  // server -> core only: the server is one more client of the workspace API, with no terminal of its own.
  coreOnlyLayer('server', {
    terminal: 'src/server knows no terminal; the CLI logs for it.',
    stdout: 'src/server writes through the log it is given.',
  }),
  // client -> core only: the workspace of `octo attach` speaks the protocol, it does not share the server's code.
  coreOnlyLayer('client', {
    terminal: 'src/client knows no terminal; the TUI draws what it gives.',
    stdout: 'src/client never writes to the terminal.',
  }),
  {
    files: ['src/tui/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            layers(
              ['cli', 'server', 'client'],
              'tui may import only core (the CLI hands it a workspace, local or attached).',
            ),
          ],
        },
      ],
    },
  },
  {
    files: ['src/tui/**/*.ts'],
    ignores: ['src/tui/blessed.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'neo-blessed', message: 'Only src/tui/blessed.ts imports neo-blessed.' },
            { name: 'blessed', message: 'Only src/tui/blessed.ts imports neo-blessed.' },
          ],
          patterns: [
            layers(
              ['cli', 'server', 'client'],
              'tui may import only core (the CLI hands it a workspace, local or attached).',
            ),
          ],
        },
      ],
    },
  },
);
