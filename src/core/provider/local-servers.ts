/**
 * Local model servers found running on their default ports, for the first run without a key: Ollama
 * (its own model list, /api/tags) and LM Studio (the OpenAI-style /v1/models). Each probe is one GET
 * to 127.0.0.1 with a short timeout; what comes back is untrusted and only its model names are kept.
 */
import type { LocalServer } from '../api.js';
import { sanitizeLine } from '../text/index.js';

/** A server on loopback answers in milliseconds; one that does not is not worth waiting for. */
const PROBE_TIMEOUT_MS = 800;
/** Model names kept per server: enough to choose from. */
const MAX_MODELS = 8;
/** Longer names are not model ids. */
const MAX_NAME = 200;

const PROBES = [
  { provider: 'ollama', address: '127.0.0.1:11434', path: '/api/tags', list: 'models', key: 'name' },
  { provider: 'lmstudio', address: '127.0.0.1:1234', path: '/v1/models', list: 'data', key: 'id' },
] as const;

export async function findLocalServers(fetcher: typeof fetch = fetch): Promise<LocalServer[]> {
  const found = await Promise.all(
    PROBES.map(async (probe): Promise<LocalServer | null> => {
      const models = await modelNames(fetcher, `http://${probe.address}${probe.path}`, probe.list, probe.key);
      return models === null ? null : { provider: probe.provider, address: probe.address, models };
    }),
  );
  return found.filter((server): server is LocalServer => server !== null);
}

/** The names listed at `url`, or null when nothing (or not a model list) answers there. */
async function modelNames(
  fetcher: typeof fetch,
  url: string,
  list: string,
  key: string,
): Promise<string[] | null> {
  let body: unknown;
  try {
    const response = await fetcher(url, { signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
    if (!response.ok) return null;
    body = await response.json();
  } catch {
    // Refused, timed out or not JSON: nothing usable runs there, which is the common case.
    return null;
  }
  const entries = typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[list] : null;
  if (!Array.isArray(entries)) return null;
  return entries
    .map((entry: unknown) =>
      typeof entry === 'object' && entry !== null ? (entry as Record<string, unknown>)[key] : null,
    )
    .filter((name): name is string => typeof name === 'string' && name !== '' && name.length <= MAX_NAME)
    .map(sanitizeLine)
    .slice(0, MAX_MODELS);
}
