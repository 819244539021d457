import path from 'node:path';
import { defaultConfig, type OctoConfig } from '../config/index.js';
import { modeOf, type ApprovalMode } from './approval-gate.js';
import { tableAt, type ConfigLayers } from './config-layers.js';
import { stableHash } from './trust-store.js';
import { APPROVAL_CATEGORIES, type ApprovalCategory } from './types.js';

type ToolsConfig = OctoConfig['tools'];

const STRICTNESS: Record<ApprovalMode, number> = { allow: 0, ask: 1, deny: 2 };

export interface ProjectToolSettings {
  hash: string;
  /** What the project's `[tools]` loosens, as written: approval modes, the shell program, folders. */
  values: Record<string, unknown>;
}

function looserModes(project: ToolsConfig, own: ToolsConfig, written: Record<string, unknown>): object {
  const approval = tableAt(written, 'approval') ?? {};
  const byTool = tableAt(approval, 'by_tool') ?? {};
  const categories = APPROVAL_CATEGORIES.filter(
    (c) => c in approval && STRICTNESS[project.approval[c]] < STRICTNESS[own.approval[c]],
  );
  // A tool's category is not known here: "ask" loosens only where the user denies something.
  const ownDenies = Object.values(own.approval).some((mode) => mode === 'deny');
  const tools = Object.keys(byTool).filter((tool) => {
    const mode = project.approval.by_tool[tool] ?? 'ask';
    const ownMode = own.approval.by_tool[tool];
    if (ownMode !== undefined) return STRICTNESS[mode] < STRICTNESS[ownMode];
    return mode === 'allow' || (mode === 'ask' && ownDenies);
  });
  const modes = {
    ...Object.fromEntries(categories.map((c) => [c, project.approval[c]])),
    ...(tools.length === 0
      ? {}
      : { by_tool: Object.fromEntries(tools.map((t) => [t, project.approval.by_tool[t]])) }),
  };
  return Object.keys(modes).length === 0 ? {} : { approval: modes };
}

/**
 * What the project file's `[tools]` would loosen compared with the user's own settings (approval
 * modes, the shell program, folders outside the project), or null when it loosens nothing: a project
 * may always ask for more caution, and harmless keys (time limits, output sizes) need no approval.
 */
export function projectToolSettings(layers: ConfigLayers, projectDir: string): ProjectToolSettings | null {
  const written = layers.project === null ? null : tableAt(layers.project.raw, 'tools');
  if (written === null || layers.project === null) return null;
  const project = layers.project.parsed.tools;
  const own = layers.user?.parsed.tools ?? defaultConfig().tools;
  const shell = tableAt(written, 'shell');
  const ownDirs = new Set(own.allowed_dirs.map((dir) => path.resolve(projectDir, dir)));
  const dirs = project.allowed_dirs.filter((dir) => !ownDirs.has(path.resolve(projectDir, dir)));
  const values = {
    ...looserModes(project, own, written),
    ...(shell !== null && 'program' in shell && project.shell.program !== own.shell.program
      ? { shell: { program: project.shell.program } }
      : {}),
    ...('allowed_dirs' in written && dirs.length > 0 ? { allowed_dirs: dirs } : {}),
  };
  return Object.keys(values).length === 0 ? null : { hash: stableHash(values), values };
}

/**
 * The tool settings in force. Until the user approves what the project file loosens, shell and folder
 * settings come from the user file alone, and an approval mode from the project counts only where it
 * is stricter. `approved` is read on every call: approving in the workspace applies at once.
 */
export class ToolSettings {
  constructor(
    private readonly merged: ToolsConfig,
    private readonly userOnly: ToolsConfig,
    private readonly projectDir: string,
    private readonly approved: () => boolean,
  ) {}

  /** `approved`: the project loosens nothing, or the user approved exactly what it loosens. */
  static from(
    config: OctoConfig,
    layers: ConfigLayers,
    projectDir: string,
    approved: () => boolean,
  ): ToolSettings {
    // Without a project file the configuration is the user's alone (the defaults when there is no
    // file): no schema is built at start-up for the defaults (config/known-good.ts).
    const userOnly =
      layers.project === null ? config.tools : (layers.user?.parsed.tools ?? defaultConfig().tools);
    return new ToolSettings(config.tools, userOnly, projectDir, approved);
  }

  private effective(): ToolsConfig {
    return this.approved() ? this.merged : this.userOnly;
  }

  mode(tool: string, category: ApprovalCategory): ApprovalMode {
    const own = modeOf(this.userOnly.approval, tool, category);
    if (this.approved()) return modeOf(this.merged.approval, tool, category);
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
