import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { getPriority, tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  TokenCounter,
  WorkerTokenizer,
  countItem,
  encodingFor,
  readTokenCache,
  tokenUpperBound,
  writeTokenCache,
  type Tokenizer,
} from '../../../src/core/tokens/index.js';

let tokenizer: WorkerTokenizer;
beforeAll(() => {
  tokenizer = new WorkerTokenizer();
});
afterAll(async () => {
  await tokenizer.close();
});

/** Texts unlike English prose, where a characters-per-token rule is furthest off. */
const AWKWARD = [
  'hello world',
  'const x = await fetch(`${base}/v1/chat`, { method: "POST" });',
  '東京都の天気は晴れです。明日も晴れるでしょう。',
  '🙂🙃🙂 emoji 👩‍👩‍👧‍👦 family',
  'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
  'x'.repeat(3) + '\u0000\u0001\u0002' + '\t\n\r',
  '',
];

/** Nice values of this process's threads, from /proc (Linux). */
async function threadNiceness(): Promise<number[]> {
  const tasks = await readdir(`/proc/${process.pid}/task`);
  return Promise.all(
    tasks.map(async (tid) => {
      const text = await readFile(`/proc/${process.pid}/task/${tid}/stat`, 'utf8');
      // Fields after the command's closing parenthesis; the nice value is field 19 of stat(5).
      return Number(text.slice(text.lastIndexOf(')') + 2).split(' ')[16]);
    }),
  );
}

describe('token counting', () => {
  it.runIf(process.platform === 'linux')(
    "runs tiktoken's thread at the lowest priority, so it never takes a core from the screen",
    async () => {
      const own = new WorkerTokenizer();
      try {
        const before = (await threadNiceness()).filter((n) => n === 19).length;
        await own.count('o200k_base', ['hello world'], 'now');
        expect((await threadNiceness()).filter((n) => n === 19).length).toBe(before + 1);
        // The other threads keep the process's own priority (0 unless it was started under nice).
        expect(Math.min(...(await threadNiceness()))).toBe(getPriority());
      } finally {
        await own.close();
      }
    },
  );

  it('counts with tiktoken in a thread: o200k_base for gpt-4o, cl100k_base for gpt-4', async () => {
    expect(await tokenizer.count('o200k_base', ['hello world', '東京都'], 'now')).toEqual([2, 1]);
    // cl100k_base splits the same Japanese into more tokens: the encodings really differ.
    expect(await tokenizer.count('cl100k_base', ['hello world', '東京都'], 'now')).toEqual([2, 4]);
  });

  it('picks the encoding by model family, with the configured one first', () => {
    expect(encodingFor('gpt-4o-mini')).toBe('o200k_base');
    expect(encodingFor('gpt-4.1')).toBe('o200k_base');
    expect(encodingFor('o3-mini')).toBe('o200k_base');
    expect(encodingFor('openai/gpt-4o')).toBe('o200k_base');
    expect(encodingFor('gpt-4')).toBe('cl100k_base');
    expect(encodingFor('gpt-4-turbo')).toBe('cl100k_base');
    expect(encodingFor('gpt-3.5-turbo')).toBe('cl100k_base');
    expect(encodingFor('qwen2.5-coder:7b')).toBe('o200k_base');
    expect(encodingFor('gpt-4o', 'cl100k_base')).toBe('cl100k_base');
  });

  it('never counts more tokens than the byte bound used for decisions', async () => {
    for (const encoding of ['o200k_base', 'cl100k_base'] as const) {
      const counts = await tokenizer.count(encoding, AWKWARD, 'now');
      AWKWARD.forEach((text, i) => expect(counts[i]).toBeLessThanOrEqual(tokenUpperBound(text)));
    }
  });

  it('counts long runs without spaces (base64, minified code) in bounded time', async () => {
    const blob = Buffer.from(Array.from({ length: 150_000 }, (_, i) => (i * 7919) % 256)).toString('base64');
    const [run, base64] = await tokenizer.count('o200k_base', ['x'.repeat(200_000), blob], 'now');
    // Unsplit, either would hold the thread for minutes (BPE is quadratic in a piece's length).
    expect(run).toBeGreaterThan(200_000 / 256);
    expect(run).toBeLessThanOrEqual(200_000);
    expect(base64).toBeGreaterThan(blob.length / 8);
    expect(base64).toBeLessThanOrEqual(blob.length);
  }, 10_000);

  it('answers a foreground count before background jobs queued earlier', async () => {
    const order: string[] = [];
    const big = Array.from({ length: 200 }, (_, i) => `background text number ${i} `.repeat(20));
    const background = [1, 2, 3].map((n) =>
      tokenizer.count('o200k_base', big, 'background').then(() => order.push(`background ${n}`)),
    );
    const now = tokenizer.count('o200k_base', ['urgent'], 'now').then(() => order.push('now'));
    await Promise.all([...background, now]);
    // The first background job was already in flight; the foreground one overtakes the other two.
    expect(order).toEqual(['background 1', 'now', 'background 2', 'background 3']);
  });

  it('shows estimates until counted, then exact counts, and tells listeners when background counts land', async () => {
    const counter = new TokenCounter(tokenizer);
    const item = countItem('o200k_base', 'The quick brown fox jumps over the lazy dog.');
    expect(counter.peek(item)).toEqual({ tokens: 11, exact: false });
    const landed = new Promise<void>((resolve) => counter.onCounted(resolve));
    counter.schedule('o200k_base', [item]);
    await landed;
    expect(counter.peek(item)).toEqual({ tokens: 10, exact: true });
    expect(counter.exactOf([item.key, 'o200k_base:unknown'])).toEqual([[item.key, 10]]);
  });

  it('falls back to estimates, saying why, when the tokenizer cannot load', async () => {
    const broken: Tokenizer = {
      count: () => Promise.reject(new Error('no wasm here')),
      close: () => Promise.resolve(),
    };
    const counter = new TokenCounter(broken);
    const item = countItem('o200k_base', 'twelve chars');
    await counter.ensure('o200k_base', [item]);
    expect(counter.failure()).toBe('no wasm here');
    expect(counter.peek(item)).toEqual({ tokens: 3, exact: false });
    expect(counter.bound(item)).toBe(3);
    expect(counter.exactOf([item.key])).toEqual([]);
  });

  it('keeps a bounded number of counts, forgetting the least recently used first', () => {
    const idle: Tokenizer = { count: () => Promise.resolve([]), close: () => Promise.resolve() };
    const counter = new TokenCounter(idle, { maxCounts: 3 });
    counter.seed([
      ['o200k_base:a', 1],
      ['o200k_base:b', 2],
      ['o200k_base:c', 3],
    ]);
    expect(counter.known('o200k_base:a')).toBe(1);
    counter.seed([['o200k_base:d', 4]]);
    expect(counter.exactOf(['o200k_base:a', 'o200k_base:b', 'o200k_base:c', 'o200k_base:d'])).toEqual([
      ['o200k_base:a', 1],
      ['o200k_base:c', 3],
      ['o200k_base:d', 4],
    ]);
  });
});

describe('the token cache file', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'octo-tokens-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('round-trips counts in a private file', async () => {
    const file = path.join(dir, 'cache', 'tokens', 's_abc.json');
    await writeTokenCache(file, [
      ['o200k_base:k1', 5],
      ['o200k_base:k2', 7],
    ]);
    expect(await readTokenCache(file)).toEqual([
      ['o200k_base:k1', 5],
      ['o200k_base:k2', 7],
    ]);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await stat(path.dirname(file))).mode & 0o777).toBe(0o700);
  });

  it('treats a missing, torn or foreign file as empty', async () => {
    expect(await readTokenCache(path.join(dir, 'missing.json'))).toEqual([]);
    const torn = path.join(dir, 'torn.json');
    await writeFile(torn, '{"version":1,"counts":{"a":');
    expect(await readTokenCache(torn)).toEqual([]);
    const foreign = path.join(dir, 'foreign.json');
    await writeFile(foreign, JSON.stringify({ version: 99, counts: { a: 1 } }));
    expect(await readTokenCache(foreign)).toEqual([]);
    expect(await readFile(foreign, 'utf8')).toContain('99');
  });
});
