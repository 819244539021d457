import type { OctoConfig } from '../config/index.js';
import { builtinModel } from './model-table.js';
import type { ResolvedModel } from './types.js';

/** Families that accept images through the OpenAI chat format, when neither config nor table says. */
const VISION_FAMILIES = /^(gpt-4o|gpt-4\.1|gpt-5|o4-mini|claude|gemini)|vision|llava|-vl\b/i;

/** The context window in tokens: `[providers.NAME.models."id"] context_window`, then built-ins. */
export function contextWindowFor(resolved: ResolvedModel, config: OctoConfig): number | null {
  return (
    configuredModel(resolved, config)?.context_window ??
    builtinModel(resolved.provider.name, resolved.modelId)?.contextWindow ??
    null
  );
}

/** Whether image parts may be sent: config flag, then the table, then the family name. */
export function supportsVision(resolved: ResolvedModel, config: OctoConfig): boolean {
  const configured = configuredModel(resolved, config)?.vision;
  if (configured !== undefined) return configured;
  const builtin = builtinModel(resolved.provider.name, resolved.modelId);
  if (builtin !== null) return builtin.vision;
  return VISION_FAMILIES.test(familyOf(resolved.modelId));
}

/** Video parts are non-standard; only a model configured with `video = true` gets them. */
export function supportsVideo(resolved: ResolvedModel, config: OctoConfig): boolean {
  return configuredModel(resolved, config)?.video ?? false;
}

function configuredModel(resolved: ResolvedModel, config: OctoConfig) {
  const { name } = resolved.provider;
  const entry = Object.hasOwn(config.providers, name) ? config.providers[name] : undefined;
  return entry !== undefined && Object.hasOwn(entry.models, resolved.modelId)
    ? entry.models[resolved.modelId]
    : undefined;
}

/** "anthropic/claude-sonnet-4" -> "claude-sonnet-4": gateways prefix the vendor. */
function familyOf(modelId: string): string {
  return modelId.slice(modelId.lastIndexOf('/') + 1);
}
