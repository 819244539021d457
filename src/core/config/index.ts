/** Public face of the config domain: where the files are, how they load, what they may contain. */
export { configFiles, resolvePaths, projectConfigPath } from './paths.js';
export { loadConfig, type ConfigFileLayer, type LoadConfigOptions, type LoadedConfig } from './load.js';
export {
  configSchema,
  defaultConfig,
  type AgentConfig,
  type CompressionConfig,
  type McpServerConfig,
  type OctoConfig,
  type ProviderConfig,
  type PricingConfig,
  type CustomCommandConfig,
} from './schema.js';
export { deepMerge, valueAt, type TomlTable } from './merge.js';
export { parseModelString, PROVIDER_NAME_PATTERN, type ModelString } from './model-string.js';
export { formatIssue, type ConfigIssue } from './issues.js';
export { currentFingerprint, isKnownGood, rememberKnownGood } from './known-good.js';
