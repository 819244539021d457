/**
 * Provider conformance, replies that are not whole and bodies that are not replies: Azure's content
 * filter, a DeepSeek reply cut at its length, Perplexity's repeated usage, an error-only stream,
 * garbage, a web page, an empty body, a broken chunk; and the waits (a dead provider, a local server
 * that is not running). Sources: test/fixtures/providers/README.md.
 */
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { recording, recordingBytes } from '../support/recordings.js';
import { RUNS_TIMEOUT_MS, useReplays } from './conformance-support.js';

const replays = useReplays();
const ESC = '\u001b';

describe('replies that are not whole', () => {
  it(
    'Azure: a content_filter stop is stored, shown, warned about and in --json; its missing usage is unknown',
    async () => {
      const r = await replays.open({
        model: 'azure:gpt-5-nano',
        providerKeys: 'api_key_env = "AZURE_OPENAI_API_KEY"',
        keyEnv: 'AZURE_OPENAI_API_KEY',
        config: '[providers.azure.pricing."gpt-5-nano"]\ninput = 0.05\noutput = 0.4',
      });
      const printed = await r.turn('az', 'Capital of France?', [recording('azure/content-filter.sse')]);
      const json = await r.turn('az', 'Again?', [recording('azure/content-filter.sse')], ['--json']);

      expect(printed.code, printed.stderr).toBe(0);
      expect(printed.stdout).toBe('Capital of the\n');
      expect(printed.stderr).toBe(
        "warning: the provider's content filter stopped the reply (finish reason content_filter); what came before it is kept.\n" +
          '[az · finished (content_filter) · usage unknown · ?]\n',
      );
      expect(json.json).toMatchObject({ finishReason: 'content_filter', usage: null, cost: null });
      const [reply] = await r.replies('az');
      expect(reply).toMatchObject({ finishReason: 'content_filter', usage: null, cost: null });
      const shown = await r.shown('az');
      expect(shown).toContain('usage unknown · ? · stopped by the content filter');
    },
    RUNS_TIMEOUT_MS,
  );

  it(
    'DeepSeek: a reply cut at the length limit says so, with the way to continue',
    async () => {
      const r = await replays.open({ model: 'deepseek:deepseek-chat', keyEnv: 'DEEPSEEK_API_KEY' });
      const turn = await r.turn(
        'cut',
        'Invent a holiday.',
        [recording('deepseek/chat-length.sse')],
        ['--json'],
      );

      expect(turn.code, turn.stderr).toBe(0);
      expect(turn.json).toMatchObject({
        status: 'finished',
        finishReason: 'length',
        usage: { input: 13, output: 400 },
      });
      expect(turn.json?.reply).toMatch(/^## \*\*Holiday Name:\*\* Starlight Remembrance\n/);
      expect(turn.json?.reply).toMatch(/observe 15 minutes of silent looking at$/);
      expect(turn.stderr).toBe(
        'warning: the reply was cut off at the model\'s output limit (finish reason length); to get the rest, send "continue" (octo run --resume cut -p continue).\n',
      );
      const [reply] = await r.replies('cut');
      expect(reply?.finishReason).toBe('length');
      const shown = await r.shown('cut');
      expect(shown).toContain('cut off at the output limit');
    },
    RUNS_TIMEOUT_MS,
  );

  it(
    'Perplexity: usage repeated in every chunk counts once (the last), and a finish without [DONE] is whole',
    async () => {
      const r = await replays.open({
        model: 'perplexity:sonar',
        providerKeys: 'api_key_env = "PPLX_KEY"',
        keyEnv: 'PPLX_KEY',
      });
      const turn = await r.turn(
        'pplx',
        'A holiday?',
        [recording('perplexity/sonar-usage-every-chunk.sse')],
        ['--json'],
      );

      expect(turn.code, turn.stderr).toBe(0);
      expect(turn.json).toMatchObject({
        finishReason: 'stop',
        reply: '**EcoVista Day**[1][5]',
        usage: { input: 11, output: 434, cacheRead: 0, cacheWrite: 0, reasoning: 0 },
      });
    },
    RUNS_TIMEOUT_MS,
  );
});

describe('bodies that are not replies', () => {
  it(
    'retries an error-only stream (nothing was shown yet) and shows the retry',
    async () => {
      const r = await replays.open({ model: 'openai:gpt-4o', keyEnv: 'OPENAI_API_KEY' });
      const turn = await r.turn('eo', 'Hello?', [
        recording('errors/error-only.sse'),
        recording('openai/gpt-4o-text-usage-last.sse'),
      ]);

      expect(turn.code, turn.stderr).toBe(0);
      expect(turn.stdout).toBe('{"city":"San Francisco","units":"c"}\n');
      expect(turn.stderr.split('\n')[0]).toMatch(/^retrying in 1s \(attempt 1\): error in stream$/);
    },
    RUNS_TIMEOUT_MS,
  );

  it(
    'gives up on an error-only stream in one message naming the provider and what it said',
    async () => {
      const r = await replays.open({
        model: 'openai:gpt-4o',
        keyEnv: 'OPENAI_API_KEY',
        config: '[request]\nmax_retries = 0',
      });
      const turn = await r.turn('eo2', 'Hello?', [recording('errors/error-only.sse')], ['--json']);

      expect(turn.code).toBe(1);
      expect(turn.stderr).toBe(
        'octo: openai reported an error mid-stream: The server had an error while processing your request. Sorry about that!\n',
      );
      expect(turn.json).toMatchObject({ status: 'failed', reply: '', finishReason: 'error', cost: 0 });
    },
    RUNS_TIMEOUT_MS,
  );

  it(
    'says in one message that a web page, garbage or an empty body is no reply, without a stack or escape byte',
    async () => {
      const r = await replays.open({ model: 'proxy:any-model', config: '[request]\nmax_retries = 0' });
      const page = await r.turn('bad', 'Hi', [
        recording('errors/html-page.html', { contentType: 'text/html' }),
      ]);
      const garbage = await r.turn('bad', 'Hi', [
        recording('errors/garbage.bin', { contentType: 'application/octet-stream' }),
      ]);
      const empty = await r.turn('bad', 'Hi', [recording('errors/empty.sse')]);

      expect(page.code).toBe(1);
      expect(page.stderr).toBe(
        'octo: proxy answered with a web page (text/html), not a streamed reply: <!DOCTYPE html> Check base_url in [providers.proxy] (it usually ends in /v1).\n',
      );
      expect(garbage.code).toBe(1);
      expect(garbage.stderr).toMatch(
        /^octo: proxy answered with text that is not an event stream \(application\/octet-stream\), not a streamed reply: .* Check base_url in \[providers\.proxy\] \(it usually ends in \/v1\)\.\n$/,
      );
      expect(garbage.stderr).not.toContain(ESC);
      expect(empty.stderr).toBe(
        'octo: proxy answered with an empty body (text/event-stream): no reply at all. Check base_url in [providers.proxy].\n',
      );
      for (const run of [page, garbage, empty]) expect(run.stderr).not.toMatch(/\n\s+at /);
      // The user messages are all kept; no reply was invented.
      const records = (await r.stored('bad')).records.filter((x) => x.kind === 'message');
      expect(records.map((m) => (m.kind === 'message' ? m.role : ''))).toEqual(['user', 'user', 'user']);
    },
    RUNS_TIMEOUT_MS,
  );

  it(
    'keeps the text before a broken chunk, marked interrupted, and fails once',
    async () => {
      const r = await replays.open({ model: 'proxy:any-model', config: '[request]\nmax_retries = 0' });
      const turn = await r.turn('broken', 'Hi', [recording('errors/malformed-chunk.sse')], ['--json']);

      expect(turn.code).toBe(1);
      expect(turn.json).toMatchObject({ status: 'failed', reply: 'Half a rep', finishReason: 'error' });
      expect(turn.json?.error?.message).toBe('proxy sent a malformed stream chunk (invalid JSON).');
      const [partial] = await r.replies('broken');
      expect(partial).toMatchObject({ content: 'Half a rep', interrupted: true, finishReason: 'error' });
      expect(recordingBytes('errors/malformed-chunk.sse').toString()).toContain('"ly"\n\n');
    },
    RUNS_TIMEOUT_MS,
  );
});

/** A loopback port nothing listens on (it was free a moment ago). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

describe('waits', () => {
  it(
    'gives up on a provider that never answers after the first-byte wait and one retry, saying each wait',
    async () => {
      const r = await replays.open({
        model: 'openai:gpt-4o',
        keyEnv: 'OPENAI_API_KEY',
        config: '[request]\nfirst_byte_timeout_ms = 1500\nmax_retries = 4',
      });
      const turn = await r.turn('dead', 'Hello?', [{ hang: true }, { hang: true }, { hang: true }]);

      expect(turn.code).toBe(1);
      expect(turn.stderr).toBe(
        'retrying in 1s (attempt 1): no answer within 1.5 s\n' +
          'octo: openai did not answer within 1.5 s (first_byte_timeout_ms). Gave up after 2 attempts.\n',
      );
      // The third hang was never asked for: a dead provider is not retried max_retries times.
      expect(r.fake.pending()).toBe(1);
    },
    RUNS_TIMEOUT_MS,
  );

  it(
    'answers a refused connection to a local Ollama at once, asking whether it runs',
    async () => {
      const port = await closedPort();
      const r = await replays.open({
        model: 'ollama:qwen2.5-coder:7b',
        baseUrl: `http://127.0.0.1:${port}/v1`,
      });
      const turn = await r.turn('off', 'Hi', []);

      expect(turn.code).toBe(1);
      expect(turn.stderr).toBe(
        `octo: Nothing is listening on 127.0.0.1:${port} (ollama): is Ollama running on 127.0.0.1:${port}? Start it with \`ollama serve\`.\n`,
      );
    },
    RUNS_TIMEOUT_MS,
  );
});
