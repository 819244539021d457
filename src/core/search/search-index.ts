import { appendFile, mkdir, readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { errnoCode, getErrorMessage } from '../errors.js';
import { DIR_MODE, FILE_MODE, replaceFile } from '../replace-file.js';
import type { RecordRebuild, RecordSink, SessionRecord } from '../store/index.js';
import { mergeSegments, SegmentBuilder, type IndexedDoc } from './build.js';
import { indexedDoc, readDocs, renameIfThere, sizeOf, stamp } from './files.js';
import { acquireSearchLock, withSearchLock, type SearchIndexContext } from './lock.js';
import { runQuery, type IndexHit, type QueryWord } from './query.js';
import { SegmentReader } from './segment.js';

/** The tail becomes a segment past this size (parsing it is part of every query). */
const TAIL_FLUSH_BYTES = 1024 * 1024;
/** Documents per segment written by a rebuild: bounds its memory. */
const REBUILD_SEGMENT_DOCS = 50_000;
/** Segments are merged while the newer is at least half the older, up to this size. */
const MAX_MERGED_DOCS = 400_000;
const TAIL = 'tail.jsonl';
const MANIFEST = 'manifest.json';

interface Manifest {
  segments: Array<{ file: string; docs: number }>;
}

/**
 * The persistent full-text index of all sessions, in `<data>/search/`: immutable segments (an inverted
 * index each, see segment.ts) listed by manifest.json, plus a tail of recently appended records
 * that every process appends to (one line per record, O_APPEND). The tail is turned into a segment when
 * it grows, by one process at a time under search.lock, and segments are merged logarithmically, so a
 * query reads a few dictionary blocks and postings rather than every session file. It is a cache:
 * anything lost is restored by `octo doctor --reindex`. The store feeds it as its record sink.
 */
export class SearchIndex implements RecordSink {
  constructor(
    readonly dir: string,
    private readonly ctx: SearchIndexContext,
  ) {}

  /** Adds a record just appended to a session; a failure is a warning, never a failed write. */
  async add(sessionId: string, record: SessionRecord): Promise<void> {
    const doc = indexedDoc(sessionId, record);
    if (doc === null) return;
    const line = `${JSON.stringify(doc)}\n`;
    try {
      await appendFile(path.join(this.dir, TAIL), line, { mode: FILE_MODE }).catch(async (error: unknown) => {
        // The folder is made on the first record (or again, after someone deleted it).
        if (errnoCode(error) !== 'ENOENT') throw error;
        await this.ensureDir();
        await appendFile(path.join(this.dir, TAIL), line, { mode: FILE_MODE });
      });
    } catch (error) {
      this.warn(path.join(this.dir, TAIL), `Not added to the search index: ${getErrorMessage(error)}`);
    }
  }

  async query(
    words: readonly QueryWord[],
    allowed: (sessionId: string) => boolean,
    limit: number,
  ): Promise<IndexHit[]> {
    const segments = await this.openSegments();
    try {
      return await runQuery(segments, await this.readTails(), words, allowed, limit);
    } finally {
      await Promise.all(segments.map((segment) => segment.close()));
    }
  }

  /** A session closing is the time to tidy up: nobody is waiting on it. */
  sessionClosed(): Promise<void> {
    return this.flushIfLarge();
  }

  /** When idle: turns a large tail into a segment, unless another process is at it. */
  async flushIfLarge(): Promise<void> {
    try {
      if ((await sizeOf(path.join(this.dir, TAIL))) < TAIL_FLUSH_BYTES) return;
      await withSearchLock(this.dir, this.ctx, false, () => this.flush());
    } catch (error) {
      // The tail stays and is still searched; the next close tries again.
      this.warn(this.dir, `The search index could not be compacted: ${getErrorMessage(error)}`);
    }
  }

  async rebuild(): Promise<RecordRebuild> {
    await this.ensureDir();
    const release = (await acquireSearchLock(this.dir, this.ctx, true)) ?? (() => Promise.resolve());
    // Records appended from now on go to a fresh tail; duplicates of rebuilt ones count once in queries.
    const obsolete = [...(await this.pendingTails()), ...(await this.listSegmentFiles())];
    await renameIfThere(path.join(this.dir, TAIL), path.join(this.dir, `tail-${stamp()}.flushing`), obsolete);
    const written: Manifest['segments'] = [];
    let builder = new SegmentBuilder();
    const cut = async (): Promise<void> => {
      if (builder.size === 0) return;
      const file = `seg-${stamp()}.idx`;
      await builder.write(path.join(this.dir, file));
      written.push({ file, docs: builder.size });
      builder = new SegmentBuilder();
    };
    return {
      add: async (sessionId, records) => {
        for (const record of records) {
          const doc = indexedDoc(sessionId, record);
          if (doc !== null) builder.add(doc);
        }
        if (builder.size >= REBUILD_SEGMENT_DOCS) await cut();
      },
      finish: async () => {
        try {
          await cut();
          await this.writeManifest({ segments: written });
          await Promise.all(obsolete.map((file) => rm(file, { force: true })));
        } finally {
          await release();
        }
      },
      abort: async () => {
        try {
          await Promise.all(written.map((s) => rm(path.join(this.dir, s.file), { force: true })));
        } finally {
          await release();
        }
      },
    };
  }

  private async flush(): Promise<void> {
    const manifest = await this.readManifest();
    // A record appended by another process in the instant between its open and its write can land in
    // the renamed file after it was read: it is then missing from search until `octo doctor --reindex`.
    await renameIfThere(path.join(this.dir, TAIL), path.join(this.dir, `tail-${stamp()}.flushing`), []);
    const files = await this.pendingTails();
    const builder = new SegmentBuilder();
    for (const file of files) for (const doc of await readDocs(file)) builder.add(doc);
    const segments = [...manifest.segments];
    if (builder.size > 0) {
      const file = `seg-${stamp()}.idx`;
      await builder.write(path.join(this.dir, file));
      segments.push({ file, docs: builder.size });
    }
    const replaced = await this.mergeTail(segments);
    await this.writeManifest({ segments });
    await Promise.all([...files, ...replaced].map((file) => rm(file, { force: true })));
  }

  /** Merges the newest segments while they are of similar size (the logarithmic method). */
  private async mergeTail(segments: Manifest['segments']): Promise<string[]> {
    const replaced: string[] = [];
    for (;;) {
      const newer = segments.at(-1);
      const older = segments.at(-2);
      if (newer === undefined || older === undefined) return replaced;
      if (newer.docs * 2 < older.docs || older.docs + newer.docs > MAX_MERGED_DOCS) return replaced;
      const [a, b] = await Promise.all(
        [older, newer].map((s) => SegmentReader.open(path.join(this.dir, s.file))),
      );
      const file = `seg-${stamp()}.idx`;
      try {
        if (a !== undefined && b !== undefined) await mergeSegments(a, b, path.join(this.dir, file));
      } finally {
        await Promise.all([a?.close(), b?.close()]);
      }
      segments.splice(-2, 2, { file, docs: older.docs + newer.docs });
      replaced.push(path.join(this.dir, older.file), path.join(this.dir, newer.file));
    }
  }

  /** The manifest's segments; one that vanished meanwhile (merged by another process) means read again. */
  private async openSegments(): Promise<SegmentReader[]> {
    for (let attempt = 0; ; attempt += 1) {
      const { segments } = await this.readManifest();
      const opened = await Promise.allSettled(
        segments.map((s) => SegmentReader.open(path.join(this.dir, s.file))),
      );
      const readers = opened.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
      const failure = opened.find((result) => result.status === 'rejected');
      if (failure === undefined) return readers;
      await Promise.all(readers.map((reader) => reader.close()));
      if (attempt >= 2 || errnoCode(failure.reason) !== 'ENOENT') throw failure.reason;
    }
  }

  private async readTails(): Promise<IndexedDoc[]> {
    const files = [path.join(this.dir, TAIL), ...(await this.pendingTails())];
    return (await Promise.all(files.map(readDocs))).flat();
  }

  private async pendingTails(): Promise<string[]> {
    return (await this.names())
      .filter((name) => name.endsWith('.flushing'))
      .map((name) => path.join(this.dir, name));
  }

  private async listSegmentFiles(): Promise<string[]> {
    return (await this.names())
      .filter((name) => /^seg-.*\.idx$/.test(name))
      .map((name) => path.join(this.dir, name));
  }

  private async names(): Promise<string[]> {
    try {
      return await readdir(this.dir);
    } catch (error) {
      if (errnoCode(error) === 'ENOENT') return [];
      throw error;
    }
  }

  private async readManifest(): Promise<Manifest> {
    let text: string;
    try {
      text = await readFile(path.join(this.dir, MANIFEST), 'utf8');
    } catch (error) {
      if (errnoCode(error) === 'ENOENT') return { segments: [] };
      throw error;
    }
    return JSON.parse(text) as Manifest;
  }

  private async writeManifest(manifest: Manifest): Promise<void> {
    await replaceFile(path.join(this.dir, MANIFEST), JSON.stringify(manifest));
  }

  private async ensureDir(): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: DIR_MODE });
  }

  private warn(file: string, message: string): void {
    this.ctx.warn({ kind: 'storeIssue', path: file, message });
  }
}
