import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { findLocalServers } from '../../../src/core/provider/index.js';

/** A real local server standing in for the default ports: the fetch sends each probe's path to it. */
async function serving(answers: Record<string, { status: number; body: string }>): Promise<{
  fetcher: typeof fetch;
  asked: string[];
  close: () => Promise<void>;
}> {
  const asked: string[] = [];
  const server = createServer((request, response) => {
    const key = `${request.headers['x-probe'] as string}${request.url ?? ''}`;
    asked.push(key);
    const answer = answers[key] ?? { status: 404, body: '{}' };
    response.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const fetcher: typeof fetch = (input, init) => {
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    return fetch(`http://127.0.0.1:${port}${url.pathname}`, { ...init, headers: { 'x-probe': url.host } });
  };
  return { fetcher, asked, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

describe('local model servers on their default ports', () => {
  it("reads Ollama's model list and LM Studio's, keeping only names, sanitised", async () => {
    const local = await serving({
      '127.0.0.1:11434/api/tags': {
        status: 200,
        body: JSON.stringify({
          models: [{ name: 'qwen2.5-coder:7b' }, { name: 'evil\u001b[2J' }, { size: 3 }],
        }),
      },
      '127.0.0.1:1234/v1/models': { status: 200, body: JSON.stringify({ data: [{ id: 'qwen3-8b' }] }) },
    });
    try {
      expect(await findLocalServers(local.fetcher)).toEqual([
        { provider: 'ollama', address: '127.0.0.1:11434', models: ['qwen2.5-coder:7b', 'evil'] },
        { provider: 'lmstudio', address: '127.0.0.1:1234', models: ['qwen3-8b'] },
      ]);
      expect(local.asked.sort()).toEqual(['127.0.0.1:11434/api/tags', '127.0.0.1:1234/v1/models']);
    } finally {
      await local.close();
    }
  });

  it('finds nothing where nothing answers, an error answers, or the body is not a model list', async () => {
    const local = await serving({
      '127.0.0.1:11434/api/tags': { status: 200, body: '<html>not json</html>' },
      '127.0.0.1:1234/v1/models': { status: 500, body: '{}' },
    });
    try {
      expect(await findLocalServers(local.fetcher)).toEqual([]);
    } finally {
      await local.close();
    }
    const refused: typeof fetch = () => Promise.reject(new TypeError('fetch failed: ECONNREFUSED'));
    expect(await findLocalServers(refused)).toEqual([]);
  });
});
