import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultConfig, loadConfig, rememberKnownGood } from '../../../src/core/config/index.js';
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
      checked: true,
      fills: { merged: expect.any(Object) as object, layers: [] },
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

describe('files that passed before (known-good.ts)', () => {
  const USER = [
    'model = "local:gpt-x"',
    '[providers.local]',
    'base_url = "http://127.0.0.1:8080/v1"',
    'headers = { Authorization = "Bearer not-for-the-cache-1234" }',
    'api_key_env = "LOCAL_KEY_NOT_FOR_THE_CACHE"',
    '[providers.other]',
    '[tools.approval]',
    'by_tool = { run_shell = "allow" }',
    '[[mcp.servers]]',
    'name = "fs"',
    'command = "mcp-fs"',
    '[[agents]]',
    'name = "reviewer"',
    'description = "reviews"',
    'system_prompt = "review"',
    '[limits]',
    'max_session_spending = 5',
  ].join('\n');
  const PROJECT = [
    'theme = "light"',
    '[[commands]]',
    'name = "fix"',
    'prompt = "fix it"',
    '[tools]',
    'max_steps = 3',
  ].join('\n');
  let dataDir: string;

  beforeEach(async () => {
    dataDir = path.join(root, 'data');
    await mkdir(dataDir);
    await writeUser(USER);
    await writeProject(PROJECT);
  });

  async function loadRemembered() {
    const loaded = await loadConfig({ userConfigPath, projectDir, dataDir });
    if (loaded.checked) await rememberKnownGood(dataDir, loaded.fingerprint, loaded.fills);
    return loaded;
  }

  it('gives the checked configuration back without checking the files again', async () => {
    const first = await loadRemembered();
    expect(first.checked).toBe(true);
    expect(first.fills).not.toBeNull();
    const again = await loadRemembered();
    expect(again.checked).toBe(false);
    // The same values, layers and key order as the schema gave.
    expect(JSON.stringify(again.config)).toBe(JSON.stringify(first.config));
    expect(JSON.stringify(again.layers)).toBe(JSON.stringify(first.layers));
    expect(again.config).toEqual(first.config);
    expect(again.fingerprint).toBe(first.fingerprint);
    expect(again.config.mcp.servers[0]).toMatchObject({ name: 'fs', args: [], env: {}, enabled: true });
    // Its own values: changing them changes nothing the next load returns.
    again.config.tools.allowed_dirs.push('/elsewhere');
    expect((await loadRemembered()).config.tools.allowed_dirs).toEqual([]);
  });

  it('keeps only defaults in its stamp, private to the user', async () => {
    await loadRemembered();
    const stampFile = path.join(dataDir, 'cache', 'config-checked');
    const stamp = await readFile(stampFile, 'utf8');
    expect(stamp).toMatch(/^[0-9a-f]{64}\n\{/);
    for (const value of ['not-for-the-cache', 'LOCAL_KEY_NOT_FOR_THE_CACHE', '127.0.0.1', 'fix it', 'review'])
      expect(stamp).not.toContain(value);
    expect((await stat(stampFile)).mode & 0o777).toBe(0o600);
  });

  it('refuses a file edited since, with the message a first check gives', async () => {
    await loadRemembered();
    await writeUser(`${USER}\nmax_sesion_spending = 5\n`);
    const fromStamp = await loadRemembered().catch((error: unknown) => error);
    await rm(path.join(dataDir, 'cache'), { recursive: true });
    const fresh = await loadRemembered().catch((error: unknown) => error);
    expect(fromStamp).toMatchObject({
      code: 'config_invalid',
      message: `${userConfigPath}:18: limits.max_sesion_spending: unknown key (did you mean max_session_spending?)`,
    });
    expect((fromStamp as Error).message).toBe((fresh as Error).message);
    // A project file counts too.
    await writeUser(USER);
    await loadRemembered();
    await writeProject(`${PROJECT}\nmax_steps = 0\n`);
    await expect(loadRemembered()).rejects.toMatchObject({ code: 'config_invalid' });
  });

  it('checks the files in full when the stamp is damaged or belongs to other files', async () => {
    const first = await loadRemembered();
    const stampFile = path.join(dataDir, 'cache', 'config-checked');
    const stamp = await readFile(stampFile, 'utf8');
    for (const damaged of [
      '{"merged":',
      '{"merged":{},"layers":[null,{}]}',
      '{"merged":{"into":{"a":7}},"layers":[{},{}]}',
    ]) {
      await writeFile(stampFile, `${stamp.slice(0, 64)}\n${damaged}`);
      expect((await loadConfig({ userConfigPath, projectDir, dataDir })).checked).toBe(true);
    }
    await writeFile(stampFile, `${'0'.repeat(64)}${stamp.slice(64)}`);
    const other = await loadConfig({ userConfigPath, projectDir, dataDir });
    expect(other.checked).toBe(true);
    expect(other.config).toEqual(first.config);
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
