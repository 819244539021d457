import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import * as z from 'zod';
import { OctoError, getErrorMessage } from '../errors.js';
import type { TokenEncoding } from './encoding.js';
import { TOKENIZER_WORKER_SOURCE } from './worker-source.js';
import { lazily } from '../lazy.js';

/** Exact token counts; the implementation decides where the work runs. */
export interface Tokenizer {
  /**
   * Counts each text. `now` jobs overtake queued `background` ones, and only `now` jobs keep the
   * process alive: a background count never delays an exit.
   */
  count(encoding: TokenEncoding, texts: readonly string[], priority: 'now' | 'background'): Promise<number[]>;
  /** Stops the thread; jobs not yet answered are rejected as aborted. Idempotent. */
  close(): Promise<void>;
}

interface Job {
  id: number;
  encoding: TokenEncoding;
  texts: readonly string[];
  priority: 'now' | 'background';
  resolve(counts: number[]): void;
  reject(error: unknown): void;
}

const replySchema = lazily(() =>
  z.union([
    z.object({ id: z.number(), counts: z.array(z.number().int().nonnegative()) }),
    z.object({ id: z.number(), error: z.string() }),
  ]),
);

/** tiktoken in a worker thread, started on the first count (never on the start-up path). */
export class WorkerTokenizer implements Tokenizer {
  private worker: Worker | null = null;
  private failure: OctoError | null = null;
  private closed = false;
  private readonly queue: Job[] = [];
  private inFlight: Job | null = null;
  private nextId = 1;

  count(
    encoding: TokenEncoding,
    texts: readonly string[],
    priority: 'now' | 'background',
  ): Promise<number[]> {
    if (this.failure !== null) return Promise.reject(this.failure);
    if (this.closed) return Promise.reject(new OctoError('aborted', 'The tokenizer was closed.'));
    if (texts.length === 0) return Promise.resolve([]);
    return new Promise<number[]>((resolve, reject) => {
      const job: Job = { id: this.nextId++, encoding, texts, priority, resolve, reject };
      // Foreground jobs go before any waiting background job, after earlier foreground ones.
      const at = priority === 'now' ? this.queue.findIndex((j) => j.priority === 'background') : -1;
      if (at === -1) this.queue.push(job);
      else this.queue.splice(at, 0, job);
      this.pump();
    });
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    this.failAll(new OctoError('aborted', 'The tokenizer was closed.'));
    const worker = this.worker;
    this.worker = null;
    return worker === null ? Promise.resolve() : worker.terminate().then(() => undefined);
  }

  private pump(): void {
    if (this.inFlight !== null) return this.updateRef();
    const job = this.queue.shift();
    if (job === undefined) return this.updateRef();
    const worker = this.worker ?? this.start();
    if (worker === null) return;
    this.inFlight = job;
    this.updateRef();
    worker.postMessage({ id: job.id, encoding: job.encoding, texts: job.texts });
  }

  private start(): Worker | null {
    try {
      const tiktokenPath = createRequire(import.meta.url).resolve('tiktoken');
      const worker = new Worker(TOKENIZER_WORKER_SOURCE, { eval: true, workerData: { tiktokenPath } });
      worker.on('message', (message: unknown) => this.received(message));
      worker.on('error', (error) => this.fail(error));
      worker.on('exit', (code) => {
        if (!this.closed) this.fail(new Error(`the tokenizer thread exited with code ${code}`));
      });
      this.worker = worker;
      return worker;
    } catch (error) {
      this.fail(error);
      return null;
    }
  }

  private received(message: unknown): void {
    const job = this.inFlight;
    const reply = replySchema().safeParse(message);
    if (job === null || !reply.success || reply.data.id !== job.id) {
      this.fail(new Error('the tokenizer thread answered out of turn'));
      return;
    }
    this.inFlight = null;
    if ('error' in reply.data)
      job.reject(new OctoError('tokenizer_unavailable', `Token counting failed: ${reply.data.error}`));
    else job.resolve(reply.data.counts);
    this.pump();
  }

  /** A tokenizer that cannot load stays failed: callers fall back to estimates, told why once. */
  private fail(cause: unknown): void {
    if (this.failure !== null || this.closed) return;
    this.failure = new OctoError(
      'tokenizer_unavailable',
      `The tokenizer is unavailable: ${getErrorMessage(cause)}`,
      {
        cause,
      },
    );
    this.failAll(this.failure);
    const worker = this.worker;
    this.worker = null;
    void worker?.terminate();
  }

  private failAll(error: OctoError): void {
    const jobs = [...(this.inFlight === null ? [] : [this.inFlight]), ...this.queue.splice(0)];
    this.inFlight = null;
    for (const job of jobs) job.reject(error);
  }

  /** Only a foreground job keeps the process alive; idle or background work must never block exit. */
  private updateRef(): void {
    const waitedOn = this.inFlight?.priority === 'now' || this.queue.some((j) => j.priority === 'now');
    if (waitedOn) this.worker?.ref();
    else this.worker?.unref();
  }
}
