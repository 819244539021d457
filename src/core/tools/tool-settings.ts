import path from 'node:path';
import { defaultConfig, type OctoConfig } from '../config/schema.js';
import { modeOf, type ApprovalMode } from './approval-gate.js';
import { tableAt, type ConfigLayers } from './config-layers.js';
import { stableHash } from './trust-store.js';
import type { ApprovalCategory } from './types.js';

type ToolsConfig = OctoConfig['tools'];

/** Keys of `[tools]` that can widen what the model may do; a project file's values need approval. */
const SENSITIVE_KEYS = ['approval', 'shell', 'allowed_dirs'] as const;

const STRICTNESS: Record<ApprovalMode, number> = { allow: 0, ask: 1, deny: 2 };

export interface ProjectToolSettings {
  hash: string;
  /** The sensitive part of the project's `[tools]`, as written. */
  values: Record<string, unknown>;
}

/** What the project file sets among the sensitive keys, or null when it sets none. */
export function projectToolSettings(layers: ConfigLayers): ProjectToolSettings | null {
  const tools = layers.project === null ? null : tableAt(layers.project.raw, 'tools');
  if (tools === null) return null;
  const values = Object.fromEntries(
    SENSITIVE_KEYS.filter((key) => key in tools).map((key) => [key, tools[key]]),
  );
  return Object.keys(values).length === 0 ? null : { hash: stableHash(values), values };
}

/**
 * The tool settings in force. Until the user approves the project file's sensitive settings, shell
 * and folder settings come from the user file alone, and an approval mode from the project counts
 * only where it is stricter (a project may always ask for more caution, never for less).
 */
export class ToolSettings {
  private projectApproved: boolean;

  constructor(
    private readonly merged: ToolsConfig,
    private readonly userOnly: ToolsConfig,
    private readonly projectDir: string,
    hasUnapprovedProjectSettings: boolean,
  ) {
    this.projectApproved = !hasUnapprovedProjectSettings;
  }

  /** `approved`: the project sets nothing sensitive, or the user approved exactly what it sets. */
  static from(config: OctoConfig, layers: ConfigLayers, projectDir: string, approved: boolean): ToolSettings {
    const userOnly = layers.user?.parsed.tools ?? defaultConfig().tools;
    return new ToolSettings(config.tools, userOnly, projectDir, !approved);
  }

  approveProject(): void {
    this.projectApproved = true;
  }

  private effective(): ToolsConfig {
    return this.projectApproved ? this.merged : this.userOnly;
  }

  mode(tool: string, category: ApprovalCategory): ApprovalMode {
    const own = modeOf(this.userOnly.approval, tool, category);
    if (this.projectApproved) return modeOf(this.merged.approval, tool, category);
    const project = modeOf(this.merged.approval, tool, category);
    return STRICTNESS[project] > STRICTNESS[own] ? project : own;
  }

  shell(): ToolsConfig['shell'] {
    return this.effective().shell;
  }

  allowedDirs(): string[] {
    return this.effective().allowed_dirs.map((dir) => path.resolve(this.projectDir, dir));
  }
}
