import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import * as z from 'zod';
import { OctoError } from '../errors.js';
import { MATCHER_WORKER_SOURCE } from './matcher-source.js';
import { lazily } from '../lazy.js';

/** A regular expression (JavaScript syntax) or a gitignore-style glob, as a tool received it. */
export type PatternSpec =
  { kind: 'regex'; source: string; flags: string } | { kind: 'glob'; pattern: string };

/** How a batch ended: every text was tested, or the signal stopped it (a budget, a cancelled turn). */
export type BatchEnd = 'done' | 'stopped';

const replySchema = lazily(() =>
  z.union([
    z.object({ id: z.number(), hit: z.number().int().nonnegative() }),
    z.object({ id: z.number(), done: z.literal(true) }),
  ]),
);

interface Job {
  id: number;
  onHit(index: number): void;
  settle(end: BatchEnd | Error): void;
}

/**
 * Tests texts against a pattern from the model in a thread of its own, which is killed the moment
 * `signal` aborts: however long a regular expression would backtrack, the main thread never waits on
 * it (docs/faults.md row 34). Matches arrive one by one, so what was found before the signal
 * stays found. After the signal every batch ends 'stopped' at once.
 */
export class BoundedMatcher {
  private readonly worker: Worker;
  private job: Job | null = null;
  private nextId = 1;
  private dead: Error | 'stopped' | null = null;
  /** The signal killed the thread. */
  private killed = false;

  constructor(
    spec: PatternSpec,
    private readonly signal: AbortSignal,
  ) {
    const workerData =
      spec.kind === 'glob' ? { ...spec, ignorePath: createRequire(import.meta.url).resolve('ignore') } : spec;
    this.worker = new Worker(MATCHER_WORKER_SOURCE, { eval: true, workerData });
    this.worker.on('message', (message: unknown) => this.received(message));
    this.worker.on('error', (error) => this.end(error));
    this.worker.on('exit', (code) => this.end(new Error(`the pattern thread exited with code ${code}`)));
    if (signal.aborted) this.stop();
    else signal.addEventListener('abort', this.stop, { once: true });
  }

  /** Tests each text; `onHit` gets the index of each one that matches, in order. */
  match(texts: readonly string[], onHit: (index: number) => void): Promise<BatchEnd> {
    if (this.dead === 'stopped') return Promise.resolve('stopped');
    if (this.dead !== null) return Promise.reject(this.dead);
    if (this.job !== null) return Promise.reject(new OctoError('internal', 'One batch at a time'));
    if (texts.length === 0) return Promise.resolve('done');
    return new Promise((resolve, reject) => {
      const id = this.nextId++;
      this.job = {
        id,
        onHit,
        settle: (end) => {
          this.job = null;
          if (end instanceof Error) reject(end);
          else resolve(end);
        },
      };
      this.worker.postMessage({ id, texts });
    });
  }

  /**
   * Stops the thread (idempotent); a batch still running ends 'stopped'. Resolves once the thread is
   * gone, but not after the signal: the thread was killed then, and a cancelled turn (SIGTERM, Esc)
   * does not wait on the teardown of its isolate, which on a loaded machine takes a while; the
   * process's exit waits for it anyway.
   */
  async close(): Promise<void> {
    this.signal.removeEventListener('abort', this.stop);
    if (this.dead === null) this.dead = 'stopped';
    this.job?.settle('stopped');
    if (!this.killed) await this.worker.terminate();
  }

  private readonly stop = (): void => {
    if (this.dead !== null) return;
    this.dead = 'stopped';
    this.killed = true;
    this.job?.settle('stopped');
    void this.worker.terminate();
  };

  private received(message: unknown): void {
    const job = this.job;
    const reply = replySchema().safeParse(message);
    if (job === null || !reply.success || reply.data.id !== job.id) return;
    if ('hit' in reply.data) job.onHit(reply.data.hit);
    else job.settle('done');
  }

  private end(error: Error): void {
    if (this.dead !== null) return;
    this.dead = new OctoError('internal', `Pattern matching failed: ${error.message}`, { cause: error });
    this.job?.settle(this.dead);
  }
}
