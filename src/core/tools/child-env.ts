import type { Env } from '../deps.js';

/**
 * What an MCP server inherits from octo's environment: enough to find programs, a home, a locale and
 * the network, never credentials (sudo's default list, plus locale, temp, proxy and CA variables).
 */
const SERVER_ENV_ALLOWLIST = [
  'HOME',
  'LOGNAME',
  'PATH',
  'SHELL',
  'TERM',
  'USER',
  'LANG',
  'LC_ALL',
  'LC_CTYPE',
  'TMPDIR',
  'TZ',
  'XDG_CACHE_HOME',
  'XDG_CONFIG_HOME',
  'XDG_DATA_HOME',
  'NODE_EXTRA_CA_CERTS',
  'SSL_CERT_FILE',
  'HTTP_PROXY',
  'HTTPS_PROXY',
  'NO_PROXY',
  'http_proxy',
  'https_proxy',
  'no_proxy',
];

/** A server's environment: the allowlist from octo's own, then what its config entry sets. */
export function serverEnv(env: Env, own: Readonly<Record<string, string>>): Env {
  const inherited = Object.fromEntries(
    // A value starting with "()" is an exported shell function (Shellshock); never pass those on.
    SERVER_ENV_ALLOWLIST.flatMap((name) => {
      const value = env[name];
      return value === undefined || value.startsWith('()') ? [] : [[name, value]];
    }),
  );
  return { ...inherited, ...own };
}

/**
 * A shell command's environment: the user's, minus the provider keys octo holds, so that a command
 * the model wrote cannot send them anywhere.
 */
export function shellEnv(env: Env, secretNames: readonly string[]): Env {
  const hidden = new Set(secretNames);
  return Object.fromEntries(Object.entries(env).filter(([name]) => !hidden.has(name)));
}
