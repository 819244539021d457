/**
 * The first run without a usable provider: the first screen says what is configured and how to set a
 * provider up, and offers a local Ollama or LM Studio found running (app/startup.ts starts the check
 * after the first paint, in the background: it never holds the screen up).
 */
import type { LocalServer } from '../../core/api.js';
import { withNote } from './notes.js';
import type { AppState } from './state.js';

const NAMES: Record<LocalServer['provider'], string> = { ollama: 'Ollama', lmstudio: 'LM Studio' };

export function providerMissing(state: AppState, model: string, problem: string): AppState {
  return withNote(state, `No model can be called yet: the model is ${model}. ${problem}`, 'warning');
}

export function localServersFound(state: AppState, servers: readonly LocalServer[]): AppState {
  const usable = servers.filter((server) => server.models.length > 0);
  if (usable.length === 0) {
    const text =
      servers.length === 0
        ? 'No local Ollama (127.0.0.1:11434) or LM Studio (127.0.0.1:1234) answered.'
        : `${servers.map((s) => NAMES[s.provider]).join(' and ')} answered but offers no model yet: pull or load one.`;
    return withNote(state, text, 'info');
  }
  const lines = usable.map((server) => {
    const first = `${server.provider}:${server.models[0] ?? ''}`;
    return `${NAMES[server.provider]} runs at ${server.address} with ${server.models.join(', ')}: /model ${first} uses it in this session; model = "${first}" in the config for every session.`;
  });
  return withNote(state, `Found on this machine:\n${lines.join('\n')}`, 'info');
}
