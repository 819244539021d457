/**
 * Public face of the trust domain: what a project's `.octo/config.toml` asks that reaches outside the
 * repository, whether the user approved it, and the configuration in force until then (docs/architecture.md "Trust").
 */
import { projectConfigPath, type OctoConfig } from '../config/index.js';
import type { Env } from '../deps.js';
import { declaredServers } from '../mcp/index.js';
import { TrustStore, type ConfigLayers } from '../tools/index.js';
import { auditProjectConfig } from './items.js';
import { ProjectTrust } from './project-trust.js';

export { ProjectTrust } from './project-trust.js';
export type { TrustEntry, TrustStatus } from './types.js';
export { askAboutProject, describePending } from './question.js';
export { destination, serverHash, trustId, type TrustItem, type TrustKind } from './items.js';

export interface OpenTrustInput {
  dataDir: string;
  now: () => number;
  projectDir: string;
  /** Each config file on its own, and both merged, as loaded. */
  layers: ConfigLayers;
  merged: OctoConfig;
  env: Env;
}

/** Audits the project's file and reads which of its settings the user approved (trust.json). */
export async function openProjectTrust(input: OpenTrustInput): Promise<ProjectTrust> {
  const projectServers = declaredServers(input.merged, input.layers)
    .filter((declared) => declared.origin === 'project')
    .map((declared) => declared.spec);
  return ProjectTrust.open({
    store: new TrustStore(input.dataDir, input.now),
    projectDir: input.projectDir,
    projectFile: input.layers.project?.file ?? projectConfigPath(input.projectDir),
    items: auditProjectConfig({ ...input, projectServers }),
    layers: input.layers,
    merged: input.merged,
  });
}
