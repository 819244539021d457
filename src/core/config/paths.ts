import path from 'node:path';
import type { Env } from '../deps.js';
import type { OctoPaths } from '../store/index.js';

const CONFIG_FILE = 'config.toml';

/** Data and user-config locations (docs/architecture.md "Data"): OCTO_HOME, then the XDG variables, then the home folder. */
export function resolvePaths(env: Env, home: string): OctoPaths {
  const octoHome = expandHome(env.OCTO_HOME, home);
  if (octoHome !== undefined) {
    // A relative OCTO_HOME means what it means in the shell that set it: relative to where octo starts.
    const root = path.resolve(octoHome);
    return { data: root, userConfig: path.join(root, CONFIG_FILE) };
  }
  const dataHome = xdgDir(env.XDG_DATA_HOME, home) ?? path.join(home, '.local', 'share');
  const configHome = xdgDir(env.XDG_CONFIG_HOME, home) ?? path.join(home, '.config');
  return { data: path.join(dataHome, 'octo'), userConfig: path.join(configHome, 'octo', CONFIG_FILE) };
}

/** The optional per-project file, layered over the user file. */
export function projectConfigPath(projectDir: string): string {
  return path.join(projectDir, '.octo', CONFIG_FILE);
}

/** The config files that apply, lowest precedence first. */
export function configFiles(userConfigPath: string, projectDir: string): string[] {
  // OCTO_HOME may point into the project itself; the same file applied twice would double its issues.
  return [...new Set([userConfigPath, projectConfigPath(projectDir)])];
}

/** The XDG base-directory spec says an empty or relative value is invalid and must be ignored. */
function xdgDir(value: string | undefined, home: string): string | undefined {
  const expanded = expandHome(value, home);
  return expanded !== undefined && path.isAbsolute(expanded) ? expanded : undefined;
}

/** A "~" quoted in a shell profile or service file reaches us unexpanded; treat it as the home folder. */
function expandHome(value: string | undefined, home: string): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (value === '~') return home;
  return value.startsWith('~/') ? path.join(home, value.slice(2)) : value;
}
