import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultConfig, loadConfig } from '../../../src/core/config/index.js';
import { deepMerge } from '../../../src/core/config/merge.js';

let root: string;
let userConfigPath: string;
let projectDir: string;

beforeEach(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'octo-config-'));
  userConfigPath = path.join(root, 'user', 'config.toml');
  projectDir = path.join(root, 'project');
  await mkdir(path.dirname(userConfigPath), { recursive: true });
  await mkdir(path.join(projectDir, '.octo'), { recursive: true });
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const writeUser = (text: string) => writeFile(userConfigPath, text);
const writeProject = (text: string) => writeFile(path.join(projectDir, '.octo', 'config.toml'), text);

describe('loadConfig', () => {
  it('gives the built-in defaults and no files when neither file exists', async () => {
    expect(await loadConfig({ userConfigPath, projectDir })).toEqual({
      config: defaultConfig(),
      files: [],
      fingerprint: expect.stringMatching(/^[0-9a-f]{64}$/) as string,
      layers: [],
    });
  });

  it('fills every default the user file leaves out', async () => {
    await writeUser('model = "ollama:qwen2.5-coder:7b"\n[request]\nmax_retries = 2\n');
    const { config, files } = await loadConfig({ userConfigPath, projectDir });
    expect(files).toEqual([userConfigPath]);
    expect(config).toEqual({
      ...defaultConfig(),
      model: 'ollama:qwen2.5-coder:7b',
      request: { ...defaultConfig().request, max_retries: 2 },
    });
  });

  it('layers the project file over the user file, merging tables key by key', async () => {
    await writeUser(
      [
        'model = "openai:gpt-4o-mini"',
        'theme = "light"',
        '[providers.local]',
        'base_url = "http://127.0.0.1:8080/v1"',
        'pricing."gpt-x" = { input = 1, output = 2 }',
        '[limits]',
        'max_session_spending = 5',
      ].join('\n'),
    );
    await writeProject(
      [
        'model = "local:gpt-x"',
        '[providers.local.pricing."gpt-y"]',
        'input = 3',
        'output = 4',
        '[limits]',
        'max_session_tokens = 100000',
      ].join('\n'),
    );

    const { config, files, layers } = await loadConfig({ userConfigPath, projectDir });

    expect(files).toEqual([userConfigPath, path.join(projectDir, '.octo', 'config.toml')]);
    // Each file as written and on its own, for the tools' project approval (docs/faults.md row 31).
    expect(layers.map((layer) => [layer.file, layer.raw.model, layer.parsed.model])).toEqual([
      [userConfigPath, 'openai:gpt-4o-mini', 'openai:gpt-4o-mini'],
      [files[1], 'local:gpt-x', 'local:gpt-x'],
    ]);
    expect(config.model).toBe('local:gpt-x');
    expect(config.theme).toBe('light');
    expect(config.providers).toEqual({
      local: {
        base_url: 'http://127.0.0.1:8080/v1',
        pricing: { 'gpt-x': { input: 1, output: 2 }, 'gpt-y': { input: 3, output: 4 } },
        models: {},
      },
    });
    expect(config.limits).toEqual({ max_session_spending: 5, max_session_tokens: 100_000 });
  });

  it('applies a project file even when there is no user file', async () => {
    await writeProject('[tools]\nmax_steps = 3\n');
    const { config, files } = await loadConfig({ userConfigPath, projectDir });
    expect(files).toEqual([path.join(projectDir, '.octo', 'config.toml')]);
    expect(config.tools).toEqual({ ...defaultConfig().tools, max_steps: 3 });
  });

  it('reads a file once when the user file is also the project file', async () => {
    const shared = path.join(projectDir, '.octo', 'config.toml');
    await writeFile(shared, 'theme = "light"\n');
    const { config, files } = await loadConfig({ userConfigPath: shared, projectDir });
    expect(files).toEqual([shared]);
    expect(config.theme).toBe('light');
  });
});

describe('deepMerge', () => {
  it('merges nested tables and replaces arrays and scalars', () => {
    const base = { list: [1, 2], table: { keep: 1, nested: { a: 1, b: 2 } }, scalar: 'old' };
    const over = { list: [3], table: { nested: { b: 20, c: 30 } }, scalar: 'new' };
    expect(deepMerge(base, over)).toEqual({
      list: [3],
      table: { keep: 1, nested: { a: 1, b: 20, c: 30 } },
      scalar: 'new',
    });
  });

  it('lets a table replace a scalar and a scalar replace a table', () => {
    expect(deepMerge({ a: 1, b: { x: 1 } }, { a: { y: 2 }, b: 3 })).toEqual({ a: { y: 2 }, b: 3 });
  });

  it('does not modify its inputs', () => {
    const base = { table: { a: 1 } };
    deepMerge(base, { table: { b: 2 } });
    expect(base).toEqual({ table: { a: 1 } });
  });
});
