import { spawn, type ChildProcess } from 'node:child_process';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, onTestFinished } from 'vitest';
import type { Clock } from '../../../src/core/deps.js';
import type { NewRecord, SessionSummary } from '../../../src/core/store/records.js';
import {
  createSessionStore,
  type SessionStore,
  type SessionStoreOptions,
} from '../../../src/core/store/index.js';
import { makeTempDir } from '../../support/temp.js';

export const INIT = {
  name: 'auth-refactor',
  projectDir: '/work/proj',
  projectId: 'proj-1',
  model: 'test:fake-model',
};

/** A clock the test moves by hand, backwards included. */
export interface ManualClock extends Clock {
  set(ms: number): void;
}

export function manualClock(start = Date.parse('2025-03-01T10:00:00.000Z')): ManualClock {
  let now = start;
  return { now: () => now, set: (ms) => (now = ms) };
}

/** A whole session summary with plain defaults; the name follows the id unless overridden. */
export function summary(id: string, overrides: Partial<SessionSummary> = {}): SessionSummary {
  return {
    id,
    name: id.replace('s_', 'name-'),
    title: '',
    projectId: 'p',
    projectDir: '/p',
    createdAt: '2025-01-01T00:00:00.000Z',
    updatedAt: '2025-01-01T00:00:00.000Z',
    order: 0,
    model: 'test:m',
    messageCount: 0,
    tokens: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0, reasoning: 0 },
    cost: null,
    costIncomplete: false,
    contextTokens: 0,
    lastPreview: '',
    trashedAt: null,
    ...overrides,
  };
}

export function userMessage(content: string): NewRecord {
  return { kind: 'message', role: 'user', content, inContext: true };
}

/** vitest's asymmetric matchers are typed `any`; these give them the type of what they stand for. */
export const anyString = (): string => expect.any(String) as string;
export const containing = (text: string): string => expect.stringContaining(text) as string;
export const matchingText = (pattern: RegExp): string => expect.stringMatching(pattern) as string;
export const objectWith = <T extends Record<string, unknown>>(shape: T): T =>
  expect.objectContaining<Record<string, unknown>>(shape) as T;

export function enospc(): Error {
  return Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28 });
}

export interface StoreFixture {
  root: string;
  dataDir: string;
  /** A store on the fixture's data folder, as another process would have. */
  store(overrides?: Partial<SessionStoreOptions>): SessionStore;
  sessionFile(id: string): string;
}

/** A temp folder for the current test, removed when it finishes. */
export async function storeFixture(): Promise<StoreFixture> {
  const temp = await makeTempDir('octo-store');
  onTestFinished(() => temp.cleanup());
  const dataDir = path.join(temp.path, 'data');
  return {
    root: temp.path,
    dataDir,
    store: (overrides = {}) =>
      createSessionStore({
        paths: { data: dataDir, userConfig: path.join(dataDir, 'config.toml') },
        clock: manualClock(),
        pid: process.pid,
        ...overrides,
      }),
    sessionFile: (id) => path.join(dataDir, 'sessions', `${id}.db`),
  };
}

export async function modeOf(target: string): Promise<number> {
  return (await stat(target)).mode & 0o777;
}

/** The raw JSON lines of a NeDB file, as written. */
export async function fileLines(file: string): Promise<Array<Record<string, unknown>>> {
  const text = await readFile(file, 'utf8');
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

const CHILD_SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'store-child.ts');

export interface Child {
  process: ChildProcess;
  /** Resolves with the next line the child prints. */
  nextLine(): Promise<string>;
  exited: Promise<number | null>;
}

/** Runs fixtures/store-child.ts in a separate Node process (a second terminal, a killed holder). */
export function spawnStoreChild(args: string[]): Child {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD_SCRIPT, ...args], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const waiting: Array<(line: string) => void> = [];
  let buffer = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdout.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    for (let at = buffer.indexOf('\n'); at !== -1; at = buffer.indexOf('\n')) {
      const line = buffer.slice(0, at);
      buffer = buffer.slice(at + 1);
      const waiter = waiting.shift();
      if (waiter) waiter(line);
      else lines.push(line);
    }
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    process: child,
    exited,
    nextLine: () => {
      const ready = lines.shift();
      if (ready !== undefined) return Promise.resolve(ready);
      return Promise.race([
        new Promise<string>((resolve) => waiting.push(resolve)),
        exited.then((code) => {
          throw new Error(`store child exited (${code}) before printing a line: ${stderr}`);
        }),
      ]);
    },
  };
}
