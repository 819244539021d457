import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/core/config/index.js';
import { OctoError } from '../../../src/core/errors.js';
import { callUnprivileged, handOver } from '../../support/unprivileged.js';

let root: string;
let userConfigPath: string;
let projectDir: string;
let projectConfig: string;

beforeEach(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'octo-config-errors-'));
  userConfigPath = path.join(root, 'user', 'config.toml');
  projectDir = path.join(root, 'project');
  projectConfig = path.join(projectDir, '.octo', 'config.toml');
  await mkdir(path.dirname(userConfigPath), { recursive: true });
  await mkdir(path.dirname(projectConfig), { recursive: true });
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const lines = (...text: string[]) => `${text.join('\n')}\n`;

/** The rejection of loadConfig, asserted to be an OctoError (never the defaults). */
async function failure(): Promise<OctoError> {
  const error: unknown = await loadConfig({ userConfigPath, projectDir }).then(
    (loaded) => new Error(`expected a failure, got ${JSON.stringify(loaded)}`),
    (rejection: unknown) => rejection,
  );
  expect(error).toBeInstanceOf(OctoError);
  return error as OctoError;
}

describe('config errors (docs/faults.md row 30)', () => {
  it('reports a TOML syntax error with file, line and the key on that line', async () => {
    await writeFile(
      userConfigPath,
      lines('model = "openai:gpt-4o"', '', '[limits]', 'max_session_spending = '),
    );
    const error = await failure();
    expect(error.code).toBe('config_invalid');
    expect(error.message).toBe(
      `${userConfigPath}:4: limits.max_session_spending: TOML syntax error: invalid value`,
    );
    expect(error.details).toMatchObject({
      file: userConfigPath,
      line: 4,
      key: 'limits.max_session_spending',
    });
  });

  it('reports a syntax error without a key when the line holds none', async () => {
    await writeFile(userConfigPath, lines('theme = "dark"', '[limits'));
    const error = await failure();
    expect(error.message).toMatch(new RegExp(`^${escape(userConfigPath)}:2: TOML syntax error: `));
    expect(error.details).toMatchObject({ file: userConfigPath, line: 2, key: null });
  });

  it('reports an unknown top-level key with its line and a suggestion', async () => {
    await writeFile(userConfigPath, lines('# my settings', 'theme = "dark"', 'modle = "openai:gpt-4o"'));
    const error = await failure();
    expect(error.message).toBe(`${userConfigPath}:3: modle: unknown key (did you mean model?)`);
    expect(error.details).toMatchObject({ file: userConfigPath, line: 3, key: 'modle' });
  });

  it('reports an unknown nested key with the line where it is written, not the table header', async () => {
    await writeFile(
      userConfigPath,
      lines(
        'model = "openai:gpt-4o"',
        '',
        '[request]',
        'max_retries = 2',
        '',
        '[limits]',
        'max_sesion_spending = 5',
      ),
    );
    const error = await failure();
    expect(error.message).toBe(
      `${userConfigPath}:7: limits.max_sesion_spending: unknown key (did you mean max_session_spending?)`,
    );
    expect(error.details).toMatchObject({ file: userConfigPath, line: 7, key: 'limits.max_sesion_spending' });
  });

  it('reports a wrong type inside an inline table with file, line and the quoted dotted key', async () => {
    await writeFile(
      userConfigPath,
      lines(
        '[providers.local]',
        'base_url = "http://127.0.0.1:8080/v1"',
        '',
        '[providers.local.pricing]',
        '"gpt-w" = { input = 1, output = 1 }',
        '"gpt-x" = { input = "cheap", output = 2 }',
      ),
    );
    const error = await failure();
    expect(error.message).toBe(
      `${userConfigPath}:6: providers.local.pricing."gpt-x".input: expected a number, got string`,
    );
    expect(error.details).toMatchObject({
      file: userConfigPath,
      line: 6,
      key: 'providers.local.pricing."gpt-x".input',
    });
  });

  it('reports an integer setting given a float', async () => {
    await writeFile(userConfigPath, lines('[tools]', 'max_steps = 2.5'));
    const error = await failure();
    expect(error.message).toBe(`${userConfigPath}:2: tools.max_steps: expected an integer, got float`);
  });

  it('reports a value out of range with the value', async () => {
    await writeFile(userConfigPath, lines('[limits]', 'max_session_spending = -3'));
    const error = await failure();
    expect(error.message).toBe(
      `${userConfigPath}:2: limits.max_session_spending: must be more than 0, got -3`,
    );
  });

  it('refuses a model that is not provider:model', async () => {
    await writeFile(userConfigPath, lines('theme = "dark"', 'model = "gpt-4o"'));
    const error = await failure();
    expect(error.message).toMatch(
      new RegExp(`^${escape(userConfigPath)}:2: model: expected "provider:model"`),
    );
  });

  it('accepts a model whose id has colons of its own', async () => {
    await writeFile(userConfigPath, lines('model = "ollama:qwen2.5-coder:7b"'));
    const { config } = await loadConfig({ userConfigPath, projectDir });
    expect(config.model).toBe('ollama:qwen2.5-coder:7b');
  });

  it('refuses a provider name that cannot be a provider, at the line of its header', async () => {
    await writeFile(
      userConfigPath,
      lines('theme = "dark"', '[providers."my local"]', 'base_url = "http://x.test/v1"'),
    );
    const error = await failure();
    expect(error.message).toMatch(
      new RegExp(`^${escape(userConfigPath)}:2: providers."my local": invalid name: `),
    );
  });

  it('lists every issue of every file, one per line, in file order then line order', async () => {
    await writeFile(
      userConfigPath,
      lines('[tools]', 'max_stepz = 3', 'max_output_chars = "lots"', '[request]', 'max_retries = 99'),
    );
    await writeFile(projectConfig, lines('colour = "blue"', '[providers.local]', 'base_url = "not a url"'));
    const error = await failure();
    expect(error.message.split('\n')).toEqual([
      `${userConfigPath}:2: tools.max_stepz: unknown key (did you mean max_steps?)`,
      `${userConfigPath}:3: tools.max_output_chars: expected a number, got string`,
      `${userConfigPath}:5: request.max_retries: must be at most 10, got 99`,
      `${projectConfig}:1: colour: unknown key`,
      `${projectConfig}:3: providers.local.base_url: expected a URL, got "not a url"`,
    ]);
    expect(error.details).toMatchObject({ file: userConfigPath, line: 2, key: 'tools.max_stepz' });
    expect(error.details.issues).toHaveLength(5);
  });

  it('reports a broken user file even when the project file overrides the broken value', async () => {
    await writeFile(userConfigPath, lines('[limits]', 'max_session_spending = "5"'));
    await writeFile(projectConfig, lines('[limits]', 'max_session_spending = 5'));
    const error = await failure();
    expect(error.details).toMatchObject({
      file: userConfigPath,
      line: 2,
      key: 'limits.max_session_spending',
    });
  });

  it('names the project file when only the project file is broken', async () => {
    await writeFile(userConfigPath, lines('theme = "light"'));
    await writeFile(projectConfig, lines('[tools]', 'max_steps = true'));
    const error = await failure();
    expect(error.message).toBe(`${projectConfig}:2: tools.max_steps: expected a number, got boolean`);
  });

  it('reports an unreadable path (a directory) as config_unreadable with the path and reason', async () => {
    await mkdir(userConfigPath);
    const error = await failure();
    expect(error.code).toBe('config_unreadable');
    expect(error.message).toBe(
      `${userConfigPath}: cannot read the config file: it is a directory, not a file (EISDIR)`,
    );
    expect(error.details).toEqual({ file: userConfigPath, code: 'EISDIR' });
    expect(errnoOf(error.cause)).toBe('EISDIR');
  });

  // Root reads any file whatever its mode: the loading runs as an unprivileged user.
  it('reports a file without read permission as config_unreadable', async () => {
    await writeFile(userConfigPath, lines('theme = "dark"'));
    await handOver(root);
    await chmod(userConfigPath, 0o000);
    const configModule = path.resolve(import.meta.dirname, '../../../src/core/config/index.ts');
    expect(
      await callUnprivileged(configModule, 'loadConfig', [{ userConfigPath, projectDir }], root),
    ).toEqual({
      ok: false,
      code: 'config_unreadable',
      message: `${userConfigPath}: cannot read the config file: permission denied (EACCES)`,
      details: { file: userConfigPath, code: 'EACCES' },
    });
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function errnoOf(error: unknown): unknown {
  return typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
}
