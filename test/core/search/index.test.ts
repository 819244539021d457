import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mergeSegments, SegmentBuilder, type IndexedDoc } from '../../../src/core/search/build.js';
import { SearchIndex } from '../../../src/core/search/search-index.js';
import { runQuery } from '../../../src/core/search/query.js';
import { SegmentReader } from '../../../src/core/search/segment.js';
import { queryWords, termCounts, tokenize } from '../../../src/core/search/text.js';
import type { SessionRecord, StoreWarning } from '../../../src/core/store/index.js';
import { makeTempDir, type TempDir } from '../../support/temp.js';

let temp: TempDir;
beforeEach(async () => {
  temp = await makeTempDir('octo-search');
});
afterEach(async () => {
  await temp.cleanup();
});

function doc(s: string, q: number, text: string): IndexedDoc {
  const { counts, length } = termCounts(text);
  return { s, q, n: length, t: Object.fromEntries(counts) };
}

function message(seq: number, content: string): SessionRecord {
  return { kind: 'message', role: 'user', content, inContext: true, seq, at: '2025-01-01T00:00:00.000Z' };
}

const WORDS = [
  'token',
  'session',
  'refresh',
  'login',
  'timeout',
  'cache',
  'retry',
  'parser',
  'socket',
  'render',
];
/** Deterministic texts: doc i holds words chosen by its number, some twice. */
const corpus = (from: number, count: number): IndexedDoc[] =>
  Array.from({ length: count }, (_, k) => {
    const i = from + k;
    const words = WORDS.filter((_, w) => (i >> w) % 2 === 1);
    return doc(`s${i % 7}`, i, [...words, ...(i % 3 === 0 ? words.slice(0, 1) : [])].join(' '));
  });

describe('search text', () => {
  it('indexes identifiers whole and by their parts, lower case', () => {
    expect(tokenize('readFile(src/AuthStore.ts) HTTPServer read_file x')).toEqual([
      'readfile',
      'read',
      'file',
      'src',
      'authstore',
      'auth',
      'store',
      'ts',
      'httpserver',
      'http',
      'server',
      'read_file',
      'read',
      'file',
    ]);
    expect(queryWords('Auth sto')).toEqual([
      { term: 'auth', prefix: false },
      { term: 'sto', prefix: true },
    ]);
    expect(queryWords('auth ')).toEqual([{ term: 'auth', prefix: false }]);
  });
});

describe('segments', () => {
  it('answers the same from two merged segments as from one built at once', async () => {
    const older = new SegmentBuilder();
    const newer = new SegmentBuilder();
    const whole = new SegmentBuilder();
    for (const d of corpus(1, 300)) older.add(d);
    for (const d of corpus(301, 200)) newer.add(d);
    for (const d of corpus(1, 500)) whole.add(d);
    const file = (name: string) => path.join(temp.path, name);
    await Promise.all([older.write(file('a.idx')), newer.write(file('b.idx')), whole.write(file('w.idx'))]);
    const [a, b] = await Promise.all([SegmentReader.open(file('a.idx')), SegmentReader.open(file('b.idx'))]);
    await mergeSegments(a, b, file('m.idx'));
    const [merged, single] = await Promise.all([
      SegmentReader.open(file('m.idx')),
      SegmentReader.open(file('w.idx')),
    ]);

    for (const query of ['token', 'retry socket', 'ses', 'cache refresh login', 'nothing']) {
      const words = queryWords(query);
      const expected = await runQuery([single], [], words, () => true, 1000);
      expect(await runQuery([merged], [], words, () => true, 1000)).toEqual(expected);
      expect(await runQuery([a, b], [], words, () => true, 1000)).toEqual(expected);
    }
    const both = corpus(1, 500).filter((d) => d.t.retry !== undefined && d.t.socket !== undefined);
    expect((await runQuery([single], [], queryWords('retry socket'), () => true, 1000)).length).toBe(
      both.length,
    );
    expect(both.length).toBeGreaterThan(100);
    await Promise.all([a, b, merged, single].map((r) => r.close()));
  });

  it('ranks a record that says the word more often, in fewer words, first', async () => {
    const builder = new SegmentBuilder();
    builder.add(doc('s1', 1, 'the deploy failed'));
    builder.add(doc('s1', 2, 'deploy deploy deploy: the deploy script'));
    builder.add(
      doc('s2', 3, 'a long text that mentions deploy once among many many other words of no interest'),
    );
    await builder.write(path.join(temp.path, 'r.idx'));
    const reader = await SegmentReader.open(path.join(temp.path, 'r.idx'));
    const hits = await runQuery([reader], [], queryWords('deploy '), () => true, 10);
    expect(hits.map((h) => h.seq)).toEqual([2, 1, 3]);
    expect(await runQuery([reader], [], queryWords('deploy '), (id) => id === 's2', 10)).toMatchObject([
      { seq: 3 },
    ]);
    await reader.close();
  });
});

describe('the search index files', () => {
  it('turns a large tail into a segment when idle, merges similar segments, and finds the same', async () => {
    const dir = path.join(temp.path, 'search');
    const warnings: StoreWarning[] = [];
    const index = new SearchIndex(dir, { warn: (w) => warnings.push(w), staleLockMs: 10_000 });
    const filler = Array.from({ length: 400 }, (_, i) => `word${i}`).join(' ');
    const fill = async (from: number, count: number) => {
      for (let seq = from; seq < from + count; seq += 1)
        await index.add('s_a', message(seq, `${filler} marker${seq % 2 === 0 ? 'even' : 'odd'}`));
    };
    await fill(1, 300);
    await index.flushIfLarge();
    expect((await readdir(dir)).filter((n) => n.endsWith('.idx'))).toHaveLength(1);
    await fill(301, 300);
    await index.flushIfLarge();

    const manifest = JSON.parse(await readFile(path.join(dir, 'manifest.json'), 'utf8')) as {
      segments: Array<{ docs: number }>;
    };
    expect(manifest.segments).toEqual([{ file: expect.stringMatching(/^seg-/) as string, docs: 600 }]);
    expect((await readdir(dir)).filter((n) => n.endsWith('.jsonl') || n.endsWith('.flushing'))).toEqual([]);
    await index.add('s_b', message(1, 'markereven in another session'));
    const hits = await index.query(queryWords('markereven '), () => true, 1000);
    expect(hits).toHaveLength(301);
    expect(new Set(hits.map((h) => h.sessionId))).toEqual(new Set(['s_a', 's_b']));
    expect(warnings).toEqual([]);
  });
});
