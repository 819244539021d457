/**
 * The audit of a project's `.octo/config.toml`: every setting that reaches outside the repository —
 * where a key or a prompt is sent (providers, models), what starts (MCP servers, the shell), which
 * folders the tools may use, what is deleted (the trash of every project). Everything else a project
 * file sets (limits, timeouts, prompts, pressure levels, themes) stays inside it and applies at once.
 */
import {
  defaultConfig,
  parseModelString,
  valueAt,
  type AgentConfig,
  type CustomCommandConfig,
  type McpServerConfig,
  type OctoConfig,
} from '../config/index.js';
import type { Env } from '../deps.js';
import { findProvider, type ProviderInfo } from '../provider/index.js';
import { sanitizeLine } from '../text/index.js';
import { projectToolSettings, stableHash, tableAt, type ConfigLayers } from '../tools/index.js';
import { targetOf } from '../mcp/index.js';
import type { KeyPath, TrustItem, TrustKind } from './types.js';

export type { KeyPath, TrustItem, TrustKind } from './types.js';

/** The id of an item: unique in a project. */
export const trustId = (kind: TrustKind, name: string): string => `${kind}:${name}`;

/** What `destination` says about a provider: the key variable, the prompts, the host, the headers. */
export function destination(provider: ProviderInfo): string {
  const url = sanitizeLine(provider.baseUrl);
  const headers = Object.keys(provider.headers ?? {});
  const withHeaders = headers.length === 0 ? '' : ` with headers ${headers.map(sanitizeLine).join(', ')}`;
  return provider.apiKeyEnv === undefined
    ? `sends your prompts to ${url}${withHeaders} (no key)`
    : `sends ${provider.apiKeyEnv} and your prompts to ${url}${withHeaders}`;
}

const sameDestination = (a: ProviderInfo | null, b: ProviderInfo | null): boolean =>
  a !== null &&
  b !== null &&
  stableHash([a.baseUrl, a.apiKeyEnv, a.headers]) === stableHash([b.baseUrl, b.apiKeyEnv, b.headers]);

const DESTINATION_KEYS = ['base_url', 'api_key_env', 'headers'] as const;

function providerItems(layers: ConfigLayers, merged: OctoConfig, own: OctoConfig, env: Env): TrustItem[] {
  const written = layers.project === null ? null : tableAt(layers.project.raw, 'providers');
  if (written === null) return [];
  return Object.keys(written).flatMap((name): TrustItem[] => {
    const table = tableAt(written, name) ?? {};
    const keys = DESTINATION_KEYS.filter((key) => key in table);
    const asked = findProvider(name, merged, env);
    if (keys.length === 0 || asked === null || asked.baseUrl === '') return [];
    // The very values the user's own file (or octo) already uses for this provider ask for nothing new.
    if (sameDestination(asked, findProvider(name, own, env))) return [];
    const values = Object.fromEntries(keys.map((key) => [key, table[key]]));
    return [
      {
        id: trustId('provider', name),
        kind: 'provider',
        name,
        setting: `providers.${name}`,
        summary: destination(asked),
        values,
        hash: stableHash(values),
        strip: keys.map((key) => ['providers', name, key]),
      },
    ];
  });
}

interface ModelSetting {
  /** Unique among the model settings: `model`, `compression`, `agents.NAME`, `commands.NAME`. */
  name: string;
  setting: string;
  use: string;
  path: KeyPath;
  value: string | undefined;
}

/** Every model string the project's file writes itself (defaults and the user's values excluded). */
function modelSettings(project: OctoConfig, raw: Record<string, unknown>): ModelSetting[] {
  const named = (
    list: ReadonlyArray<AgentConfig | CustomCommandConfig>,
    key: string,
    use: string,
  ): ModelSetting[] =>
    list.map((entry, index) => ({
      name: `${key}.${entry.name}`,
      setting: `${key}.${entry.name}.model`,
      use: `${use} ${entry.name}`,
      path: [key, index, 'model'],
      value: entry.model,
    }));
  const settings: ModelSetting[] = [
    { name: 'model', setting: 'model', use: 'as the default model', path: ['model'], value: project.model },
    {
      name: 'compression',
      setting: 'compression.model',
      use: 'to summarise conversations',
      path: ['compression', 'model'],
      value: project.compression.model,
    },
    ...named(project.agents, 'agents', 'for the agent'),
    ...named(project.commands, 'commands', 'for /run'),
  ];
  return settings.filter((s) => s.value !== undefined && valueAt(raw, s.path) !== undefined);
}

/** The providers the user's own file (or the defaults) already sends prompts to. */
function ownProviders(own: OctoConfig): Set<string> {
  const models = [
    own.model,
    own.compression.model,
    ...own.agents.map((a) => a.model),
    ...own.commands.map((c) => c.model),
  ];
  return new Set(models.flatMap((model) => parseModelString(model ?? '')?.provider ?? []));
}

/** A model the project sets is asked about when it sends prompts to a provider the user does not use. */
function modelItems(layers: ConfigLayers, merged: OctoConfig, own: OctoConfig, env: Env): TrustItem[] {
  if (layers.project === null) return [];
  const used = ownProviders(own);
  return modelSettings(layers.project.parsed, layers.project.raw).flatMap((setting): TrustItem[] => {
    const model = parseModelString(setting.value ?? '');
    const provider = model === null ? null : findProvider(model.provider, merged, env);
    if (model === null || provider === null || used.has(model.provider)) return [];
    const values = { model: setting.value };
    return [
      {
        id: trustId('model', setting.name),
        kind: 'model',
        name: setting.name,
        setting: setting.setting,
        summary: `uses ${sanitizeLine(setting.value ?? '')} ${setting.use}, which ${destination(provider)}`,
        values,
        hash: stableHash(values),
        strip: [setting.path],
      },
    ];
  });
}

function describeServer(spec: McpServerConfig): string {
  const headers = Object.keys(spec.headers);
  if (spec.url !== undefined) {
    const withHeaders = headers.length === 0 ? '' : ` with headers ${headers.map(sanitizeLine).join(', ')}`;
    return `connects to the MCP server ${spec.name} at ${targetOf(spec)}${withHeaders}`;
  }
  const env = Object.keys(spec.env);
  const withEnv = env.length === 0 ? '' : ` with ${env.map(sanitizeLine).join(', ')} set`;
  const where = spec.cwd === undefined ? '' : ` in ${sanitizeLine(spec.cwd)}`;
  return `starts the MCP server ${spec.name}: ${targetOf(spec)}${where}${withEnv}`;
}

/** What approving a project's server approves: everything that decides what runs and where. */
export function serverHash(spec: McpServerConfig): string {
  const { command, args, env, cwd, url, headers } = spec;
  return stableHash({ command, args, env, cwd, url, headers });
}

function serverItems(servers: readonly McpServerConfig[]): TrustItem[] {
  return servers
    .filter((spec) => spec.enabled)
    .map((spec) => ({
      id: trustId('mcpServer', spec.name),
      kind: 'mcpServer',
      name: spec.name,
      setting: `mcp.servers.${spec.name}`,
      summary: describeServer(spec),
      values: { ...spec },
      hash: serverHash(spec),
      strip: [],
    }));
}

function toolsItems(layers: ConfigLayers, projectDir: string): TrustItem[] {
  const settings = projectToolSettings(layers, projectDir);
  if (settings === null) return [];
  const {
    approval,
    shell,
    allowed_dirs: dirs,
  } = settings.values as {
    approval?: Record<string, unknown>;
    shell?: { program: string };
    allowed_dirs?: string[];
  };
  const parts = [
    ...(approval === undefined ? [] : [`lets tools run without asking (${describeModes(approval)})`]),
    ...(shell === undefined ? [] : [`runs shell commands with ${sanitizeLine(shell.program)}`]),
    ...(dirs === undefined ? [] : [`lets the file tools use ${dirs.map(sanitizeLine).join(', ')}`]),
  ];
  return [
    {
      id: trustId('tools', 'tools'),
      kind: 'tools',
      name: 'tools',
      setting: 'tools',
      summary: parts.join('; '),
      values: settings.values,
      hash: settings.hash,
      strip: [],
    },
  ];
}

function describeModes(approval: Record<string, unknown>): string {
  const { by_tool: byTool, ...categories } = approval;
  const pairs = [...Object.entries(categories), ...Object.entries((byTool ?? {}) as Record<string, unknown>)];
  return pairs.map(([key, mode]) => `${sanitizeLine(key)} = ${String(mode)}`).join(', ');
}

function trashItems(layers: ConfigLayers, own: OctoConfig): TrustItem[] {
  if (layers.project === null || valueAt(layers.project.raw, ['trash', 'purge_after_days']) === undefined)
    return [];
  const days = layers.project.parsed.trash.purge_after_days;
  const ownDays = own.trash.purge_after_days;
  // Keeping sessions longer than the user would deletes nothing the user would keep.
  if (days === undefined || (ownDays !== undefined && days >= ownDays)) return [];
  const values = { purge_after_days: days };
  return [
    {
      id: trustId('trash', 'trash'),
      kind: 'trash',
      name: 'trash',
      setting: 'trash.purge_after_days',
      summary: `deletes for good the sessions of every project that have been in the trash ${days} day${days === 1 ? '' : 's'}`,
      values,
      hash: stableHash(values),
      strip: [['trash', 'purge_after_days']],
    },
  ];
}

export interface AuditInput {
  layers: ConfigLayers;
  /** The user's and the project's files merged, as loaded. */
  merged: OctoConfig;
  env: Env;
  projectDir: string;
  /** The MCP servers the project's file declares (not the user's own entries repeated). */
  projectServers: readonly McpServerConfig[];
}

/** Everything the project's file asks that needs the user's approval, in the order of the file's tables. */
export function auditProjectConfig(input: AuditInput): TrustItem[] {
  const { layers, merged, env } = input;
  if (layers.project === null) return [];
  const own = layers.user?.parsed ?? defaultConfig();
  return [
    ...providerItems(layers, merged, own, env),
    ...modelItems(layers, merged, own, env),
    ...serverItems(input.projectServers),
    ...toolsItems(layers, input.projectDir),
    ...trashItems(layers, own),
  ];
}
