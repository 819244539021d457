/** Runs the real binary (node bin/octo.js, built by `npm run build`) in temp folders. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { startFakeProvider, type FakeProvider } from '../support/fake-provider.js';

export const REPO = path.resolve(import.meta.dirname, '..', '..');
export const BIN = path.join(REPO, 'bin', 'octo.js');
/** A run that has not exited by then is hung: it is killed and the test fails with what it printed. */
const HANG_MS = 15_000;

export interface OctoResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  cwd: string;
  env: Record<string, string>;
  /** Written to stdin, which is then closed; without it stdin is closed at once (not a terminal). */
  input?: string;
  /** When a run counts as hung (default HANG_MS); suites that run the binary many times under load raise it. */
  hangMs?: number;
}

/** A child octo with its output collected as it arrives. */
export class OctoProcess {
  readonly child: ChildProcess;
  stdout = '';
  stderr = '';
  readonly exited: Promise<OctoResult>;
  private readonly waiters: Array<() => void> = [];

  constructor(args: readonly string[], options: RunOptions) {
    this.child = spawn(process.execPath, [BIN, ...args], {
      cwd: options.cwd,
      env: options.env,
      stdio: 'pipe',
    });
    this.child.stdout?.setEncoding('utf8').on('data', (chunk: string) => this.received('stdout', chunk));
    this.child.stderr?.setEncoding('utf8').on('data', (chunk: string) => this.received('stderr', chunk));
    this.child.stdin?.end(options.input ?? '');
    const guard = setTimeout(() => this.child.kill('SIGKILL'), options.hangMs ?? HANG_MS);
    this.exited = new Promise((resolve, reject) => {
      this.child.on('error', reject);
      this.child.on('close', (code, signal) => {
        clearTimeout(guard);
        resolve({ code, signal, stdout: this.stdout, stderr: this.stderr });
        this.received('stdout', '');
      });
    });
  }

  /** Resolves when `predicate` holds for the output so far (checked on every chunk), or fails on exit. */
  async waitFor(predicate: (p: OctoProcess) => boolean, what: string): Promise<void> {
    while (!predicate(this)) {
      if (this.child.exitCode !== null || this.child.signalCode !== null) {
        throw new Error(`octo exited before ${what}:\nstdout: ${this.stdout}\nstderr: ${this.stderr}`);
      }
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  private received(stream: 'stdout' | 'stderr', chunk: string): void {
    this[stream] += chunk;
    for (const wake of this.waiters.splice(0)) wake();
  }
}

export function runOcto(args: readonly string[], options: RunOptions): Promise<OctoResult> {
  return new OctoProcess(args, options).exited;
}

export interface OctoHome {
  root: string;
  home: string;
  dataDir: string;
  projectDir: string;
  env: Record<string, string>;
  /** Another project folder under the same root. */
  project(name: string): Promise<string>;
  run(args: readonly string[], options?: Partial<RunOptions>): Promise<OctoResult>;
  spawn(args: readonly string[], options?: Partial<RunOptions>): OctoProcess;
  cleanup(): Promise<void>;
}

/** Fixed prices so costs are exact: $1 per million input tokens, $2 output, $0.5 cached. */
export function e2eConfig(providerUrl: string, extra = ''): string {
  return [
    'model = "test:fake-model"',
    '',
    '[providers.test]',
    `base_url = "${providerUrl}"`,
    '',
    '[providers.test.pricing."fake-model"]',
    'input = 1.0',
    'output = 2.0',
    'cache_read = 0.5',
    '',
    extra,
  ].join('\n');
}

/**
 * A temp HOME with OCTO_HOME = HOME/data holding config.toml, and a project folder. The child gets
 * exactly this environment (never the test runner's), so no real key or config can leak in.
 */
export async function makeOctoHome(
  providerUrl: string,
  options: { config?: string; env?: Record<string, string> } = {},
): Promise<OctoHome> {
  const root = await mkdtemp(path.join(tmpdir(), 'octo-e2e-'));
  const dataDir = path.join(root, 'data');
  const projectDir = path.join(root, 'project');
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  await mkdir(projectDir, { recursive: true });
  await writeFile(path.join(dataDir, 'config.toml'), options.config ?? e2eConfig(providerUrl), {
    mode: 0o600,
  });
  const env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: root,
    OCTO_HOME: dataDir,
    NO_COLOR: '1',
    ...options.env,
  };
  const withDefaults = (extra: Partial<RunOptions>): RunOptions => ({ cwd: projectDir, env, ...extra });
  return {
    root,
    home: root,
    dataDir,
    projectDir,
    env,
    project: async (name) => {
      const dir = path.join(root, name);
      await mkdir(dir, { recursive: true });
      return dir;
    },
    run: (args, extra = {}) => runOcto(args, withDefaults(extra)),
    spawn: (args, extra = {}) => new OctoProcess(args, withDefaults(extra)),
    cleanup: () => rm(root, { recursive: true, force: true, maxRetries: 5 }),
  };
}

/** Every file under a folder with its size, to prove that a command changed nothing. */
export async function snapshotTree(dir: string): Promise<Record<string, number>> {
  const result: Record<string, number> = {};
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    const full = path.join(entry.parentPath, entry.name);
    result[path.relative(dir, full)] = entry.isFile() ? (await stat(full)).size : -1;
  }
  return result;
}

/** A test file's fake provider, and the fresh OctoHome over it that each test gets. */
export interface E2eFixture {
  readonly fake: FakeProvider;
  readonly home: OctoHome;
}

/** Registers the hooks: the fake provider lives for the file, the OctoHome for one test. */
export function useOctoHome(): E2eFixture {
  let fake: FakeProvider | null = null;
  let home: OctoHome | null = null;
  beforeAll(async () => {
    fake = await startFakeProvider();
  });
  afterAll(async () => {
    await fake?.close();
  });
  beforeEach(async () => {
    home = await makeOctoHome(e2e.fake.url);
  });
  afterEach(async () => {
    await home?.cleanup();
    home = null;
  });
  const e2e: E2eFixture = {
    get fake(): FakeProvider {
      if (fake === null) throw new Error('the fake provider starts in beforeAll');
      return fake;
    },
    get home(): OctoHome {
      if (home === null) throw new Error('the OctoHome is made in beforeEach');
      return home;
    },
  };
  return e2e;
}
