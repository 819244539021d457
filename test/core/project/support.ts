import { execFileSync } from 'node:child_process';
import { mkdir, realpath, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Workspace } from '../../../src/core/api.js';
import type { Clock } from '../../../src/core/deps.js';
import type { OctoEventName, OctoEvents } from '../../../src/core/events.js';
import type { SessionRecord } from '../../../src/core/store/records.js';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { createWorkspace } from '../../../src/core/workspace.js';
import { startFakeProvider, type FakeProvider } from '../../support/fake-provider.js';
import { makeTempDir, type TempDir } from '../../support/temp.js';
import { testConfig } from '../../support/workspace.js';

/** git sees neither the user's nor the system's configuration: commits are the same everywhere. */
export function gitEnv(home: string): Record<string, string> {
  return { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, GIT_CONFIG_NOSYSTEM: '1' };
}

export function git(dir: string, home: string, ...args: string[]): string {
  return gitAt(null, dir, home, ...args);
}

/** git with the commit time set: a test's commits are seconds apart from its messages, whatever its speed. */
export function gitAt(date: Date | null, dir: string, home: string, ...args: string[]): string {
  const dated =
    date === null ? {} : { GIT_AUTHOR_DATE: date.toISOString(), GIT_COMMITTER_DATE: date.toISOString() };
  return execFileSync('git', ['-c', 'user.name=Tess', '-c', 'user.email=tess@example.com', ...args], {
    cwd: dir,
    env: { ...gitEnv(home), ...dated },
    encoding: 'utf8',
  });
}

/** A repository with one commit (and `origin` when given). */
export async function makeRepo(dir: string, home: string, remote?: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  git(dir, home, 'init', '-q', '-b', 'main');
  // Two repositories with the same first commit would be one project: their content differs.
  await writeFile(path.join(dir, 'README.md'), `# ${path.basename(dir)}\n`);
  git(dir, home, 'add', '.');
  git(dir, home, 'commit', '-q', '-m', 'first');
  if (remote !== undefined) git(dir, home, 'remote', 'add', 'origin', remote);
  return realpath(dir);
}

export interface Lab {
  root: string;
  dataDir: string;
  /** A workspace started in `cwd`, as `octo` started there would be; closed by `cleanup`. */
  workspace(cwd: string, options?: { extraConfig?: string; clock?: Clock }): Promise<Workspace>;
  cleanup(): Promise<void>;
}

/** A data folder shared by any number of workspaces (terminals) over real temp folders. */
export async function makeLab(providerUrl: string): Promise<Lab> {
  const temp: TempDir = await makeTempDir('octo-lab');
  const root = await realpath(temp.path);
  const dataDir = path.join(root, 'data');
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const opened: Workspace[] = [];
  return {
    root,
    dataDir,
    workspace: async (cwd, options = {}) => {
      await writeFile(path.join(dataDir, 'config.toml'), testConfig(providerUrl, options.extraConfig), {
        mode: 0o600,
      });
      const ws = await createWorkspace({
        env: { OCTO_HOME: dataDir, ...gitEnv(root) },
        home: root,
        cwd,
        clock: options.clock ?? { now: () => Date.now() },
        pid: process.pid,
      });
      opened.push(ws);
      return ws;
    },
    cleanup: async () => {
      for (const ws of opened) await ws.close();
      await temp.cleanup();
    },
  };
}

/**
 * A guard against an event that never comes, so the failure names it: not a time limit (those live in
 * bench/), hence just under the suite's 20 s test timeout, whatever the machine's load.
 */
const EVENT_TIMEOUT_MS = 15_000;

/** The first event `name` after this call that `accepts`, or a rejection after EVENT_TIMEOUT_MS. */
export function nextEvent<K extends OctoEventName>(
  ws: Workspace,
  name: K,
  accepts: (payload: OctoEvents[K]) => boolean = () => true,
  timeoutMs = EVENT_TIMEOUT_MS,
): Promise<OctoEvents[K]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`no ${name} event within ${timeoutMs} ms`));
    }, timeoutMs);
    const off = ws.on(name, (payload) => {
      if (!accepts(payload)) return;
      clearTimeout(timer);
      off();
      resolve(payload);
    });
  });
}

/** One fake provider per test file, and the labs a test makes, cleaned up after it. */
export function useLabSuite(): { readonly fake: FakeProvider; newLab(): Promise<Lab> } {
  let fake: FakeProvider | null = null;
  const labs: Lab[] = [];
  beforeAll(async () => {
    fake = await startFakeProvider();
  });
  afterAll(async () => {
    await fake?.close();
  });
  afterEach(async () => {
    for (const lab of labs.splice(0)) await lab.cleanup();
  });
  const started = (): FakeProvider => {
    if (fake === null) throw new Error('the fake provider starts in beforeAll');
    return fake;
  };
  return {
    get fake() {
      return started();
    },
    newLab: async () => {
      const lab = await makeLab(started().url);
      labs.push(lab);
      return lab;
    },
  };
}

/** The messages of a session as `role: content` lines. */
export const contents = (records: readonly SessionRecord[]): string[] =>
  records.flatMap((r) => (r.kind === 'message' ? [`${r.role}: ${r.content}`] : []));
