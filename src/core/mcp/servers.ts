import type { OctoConfig } from '../config/index.js';
import { stableHash, type ConfigLayers } from '../tools/index.js';
import type { Declared } from './manager.js';

/**
 * The servers of the user's and the project's files, each with its origin. The merged configuration
 * would let a project's list replace the user's (arrays replace when layering), and would hide which
 * servers need approval; so both files are read apart and the lists joined, the project's winning.
 */
export function declaredServers(config: OctoConfig, layers: ConfigLayers): Declared[] {
  if (layers.user === null && layers.project === null) {
    return config.mcp.servers.map((spec) => ({ spec, origin: 'user' }));
  }
  const byName = new Map<string, Declared>();
  for (const spec of layers.user?.parsed.mcp.servers ?? []) byName.set(spec.name, { spec, origin: 'user' });
  for (const spec of layers.project?.parsed.mcp.servers ?? []) {
    const own = byName.get(spec.name);
    // The very same entry in both files is the user's own choice, not something the project adds.
    const same = own !== undefined && stableHash(own.spec) === stableHash(spec);
    byName.set(spec.name, { spec, origin: same ? 'user' : 'project' });
  }
  return [...byName.values()];
}
