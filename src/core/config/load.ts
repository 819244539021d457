import { readFile } from 'node:fs/promises';
import { parse, TomlError } from 'smol-toml';
import { errnoCode, getErrorMessage, OctoError } from '../errors.js';
import { configInvalidError, type ConfigIssue } from './issues.js';
import { deepMerge, type TomlTable } from './merge.js';
import { configFingerprint } from './known-good.js';
import { configFiles } from './paths.js';
import { configSchema, type OctoConfig } from './schema.js';
import { syntaxIssue } from './syntax.js';
import { validateLayer } from './validate.js';

export interface LoadConfigOptions {
  userConfigPath: string;
  /** The project root; its `.octo/config.toml` is layered over the user file. */
  projectDir: string;
}

export interface LoadedConfig {
  config: OctoConfig;
  /** The files that exist and were applied, lowest precedence first. */
  files: string[];
  /** Of the files as read (see known-good.ts). */
  fingerprint: string;
  /** Each file as written and as validated on its own, lowest precedence first. */
  layers: ConfigFileLayer[];
}

export interface ConfigFileLayer {
  file: string;
  raw: TomlTable;
  parsed: OctoConfig;
}

interface Layer {
  file: string;
  data: TomlTable;
  issues: ConfigIssue[];
  parsed: OctoConfig | null;
}

/**
 * Built-in defaults < user file < project file. A missing file is skipped; a broken one is an error
 * listing every issue of every file (docs/faults.md row 30), never a silent fall-back to the defaults.
 */
export async function loadConfig(options: LoadConfigOptions): Promise<LoadedConfig> {
  const files = configFiles(options.userConfigPath, options.projectDir);
  const texts = await Promise.all(files.map(readConfigText));
  const layers = files.flatMap((file, index) => {
    const text = texts[index];
    return text === undefined || text === null ? [] : [parseLayer(file, text)];
  });
  const issues = layers.flatMap((layer) => layer.issues);
  if (issues.length > 0) throw configInvalidError(issues);

  const merged = layers.reduce<TomlTable>((base, layer) => deepMerge(base, layer.data), {});
  // Parsed once per run: zod's compiled fast path costs more to build than it saves (start-up time).
  const result = configSchema.safeParse(merged, { jitless: true });
  // Every file passed on its own, so a failure here is a schema rule across keys that cannot say where.
  if (!result.success) {
    throw new OctoError('internal', `The merged configuration is invalid: ${result.error.message}`, {
      cause: result.error,
      details: { files: layers.map((layer) => layer.file) },
    });
  }
  return {
    config: result.data,
    files: layers.map((layer) => layer.file),
    fingerprint: configFingerprint(files, texts),
    layers: layers.flatMap(({ file, data, parsed }) =>
      parsed === null ? [] : [{ file, raw: data, parsed }],
    ),
  };
}

function parseLayer(file: string, text: string): Layer {
  const data = parseToml(text);
  if (data instanceof TomlError)
    return { file, data: {}, issues: [syntaxIssue(file, text, data)], parsed: null };
  const { issues, value } = validateLayer(configSchema, file, text, data);
  return { file, data, issues, parsed: value };
}

/** A syntax error is an expected outcome here (it becomes an issue); anything else is a bug. */
function parseToml(text: string): TomlTable | TomlError {
  try {
    return parse(text);
  } catch (error) {
    if (error instanceof TomlError) return error;
    throw error;
  }
}

/** The file's text, or null when it does not exist (an absent file is simply not a layer). */
async function readConfigText(file: string): Promise<string | null> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    const code = errnoCode(error);
    if (code === 'ENOENT') return null;
    const reason = code === undefined ? getErrorMessage(error) : (REASONS[code] ?? getErrorMessage(error));
    throw new OctoError('config_unreadable', `${file}: cannot read the config file: ${reason}`, {
      cause: error,
      details: { file, code: code ?? null },
    });
  }
}

const REASONS: Record<string, string> = {
  EACCES: 'permission denied (EACCES)',
  EPERM: 'operation not permitted (EPERM)',
  EISDIR: 'it is a directory, not a file (EISDIR)',
  ENOTDIR: 'a parent of it is not a directory (ENOTDIR)',
  ELOOP: 'too many symbolic links (ELOOP)',
};
