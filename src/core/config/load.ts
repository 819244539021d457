import { readFile } from 'node:fs/promises';
import { parse, TomlError } from 'smol-toml';
import { errnoCode, getErrorMessage, OctoError } from '../errors.js';
import { configInvalidError, type ConfigIssue } from './issues.js';
import { deepMerge, type TomlTable } from './merge.js';
import { applyFill, fillsOf, type Fill } from './fills.js';
import { configFingerprint, readKnownGood, type ConfigFills } from './known-good.js';
import { configFiles } from './paths.js';
import { configSchema, type OctoConfig } from './schema.js';
import { syntaxIssue } from './syntax.js';
import { validateLayer } from './validate.js';

export interface LoadConfigOptions {
  userConfigPath: string;
  /** The project root; its `.octo/config.toml` is layered over the user file. */
  projectDir: string;
  /**
   * The data folder: files that passed before, as its `cache/config-checked` says (known-good.ts), are not
   * checked against the schema again. Without it they always are.
   */
  dataDir?: string;
}

export interface LoadedConfig {
  config: OctoConfig;
  /** The files that exist and were applied, lowest precedence first. */
  files: string[];
  /** Of the files as read (see known-good.ts); null when octo's own code cannot be identified. */
  fingerprint: string | null;
  /** Whether the files were checked against the schema this time (false: they passed before). */
  checked: boolean;
  /**
   * What the schema added (defaults) when it checked the files and that is all it changed, for the
   * known-good stamp; else null.
   */
  fills: ConfigFills | null;
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
  const [texts, known] = await Promise.all([
    Promise.all(files.map(readConfigText)),
    options.dataDir === undefined ? null : readKnownGood(options.dataDir),
  ]);
  const fingerprint = await configFingerprint(files, texts);
  const present = files.flatMap((file, index) => {
    const text = texts[index];
    return text === undefined || text === null ? [] : [{ file, text }];
  });
  if (fingerprint !== null && known?.fingerprint === fingerprint && known.fills !== null) {
    const loaded = passedBefore(present, known.fills, fingerprint);
    if (loaded !== null) return loaded;
  }

  const layers = present.map(({ file, text }) => parseLayer(file, text));
  const issues = layers.flatMap((layer) => layer.issues);
  if (issues.length > 0) throw configInvalidError(issues);

  const merged = mergeLayers(layers.map((layer) => layer.data));
  // Parsed once per run: zod's compiled fast path costs more to build than it saves (start-up time).
  const result = configSchema().safeParse(merged, { jitless: true });
  // Every file passed on its own, so a failure here is a schema rule across keys that cannot say where.
  if (!result.success) {
    throw new OctoError('internal', `The merged configuration is invalid: ${result.error.message}`, {
      cause: result.error,
      details: { files: layers.map((layer) => layer.file) },
    });
  }
  const fileLayers = layers.flatMap(({ file, data, parsed }) =>
    parsed === null ? [] : [{ file, raw: data, parsed }],
  );
  return {
    config: result.data,
    files: layers.map((layer) => layer.file),
    fingerprint,
    checked: true,
    fills: knownFills(merged, result.data, fileLayers),
    layers: fileLayers,
  };
}

function mergeLayers(tables: readonly TomlTable[]): TomlTable {
  return tables.reduce<TomlTable>((base, table) => deepMerge(base, table), {});
}

/** The fills when every output is its input with keys added (fills.ts); else null. */
function knownFills(
  merged: TomlTable,
  config: OctoConfig,
  layers: readonly ConfigFileLayer[],
): ConfigFills | null {
  const mergedFill = fillsOf(merged, config);
  const layerFills = layers.map((layer) => fillsOf(layer.raw, layer.parsed));
  if (mergedFill === null || layerFills.some((fill) => fill === null)) return null;
  return { merged: mergedFill, layers: layerFills as Fill[] };
}

/**
 * The configuration of files that passed the schema before, unchanged since: their TOML with what the
 * schema added then. Null when the stamp does not fit them (then they are checked in full).
 */
function passedBefore(
  present: ReadonlyArray<{ file: string; text: string }>,
  fills: ConfigFills,
  fingerprint: string,
): LoadedConfig | null {
  if (fills.layers.length !== present.length) return null;
  const layers: ConfigFileLayer[] = [];
  for (const [index, { file, text }] of present.entries()) {
    const raw = parseToml(text);
    if (raw instanceof TomlError) return null;
    layers.push({ file, raw, parsed: applyFill(raw, fills.layers[index] ?? {}) as OctoConfig });
  }
  return {
    config: applyFill(mergeLayers(layers.map((layer) => layer.raw)), fills.merged) as OctoConfig,
    files: layers.map((layer) => layer.file),
    fingerprint,
    checked: false,
    fills: null,
    layers,
  };
}

function parseLayer(file: string, text: string): Layer {
  const data = parseToml(text);
  if (data instanceof TomlError)
    return { file, data: {}, issues: [syntaxIssue(file, text, data)], parsed: null };
  const { issues, value } = validateLayer(configSchema(), file, text, data);
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
