import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Workspace } from '../../src/core/api.js';
import type { Clock } from '../../src/core/deps.js';
import { createWorkspace, type WorkspaceOptions } from '../../src/core/workspace.js';

export interface TestWorkspaceOptions {
  /** Base URL of the fake provider (ends in /v1). */
  providerUrl: string;
  /** Extra TOML appended to the generated config. */
  extraConfig?: string;
  clock?: Clock;
  env?: Record<string, string>;
  /** Reuse folders from an earlier workspace (a "restart"). */
  root?: string;
  options?: WorkspaceOptions;
}

export interface TestWorkspace {
  ws: Workspace;
  root: string;
  dataDir: string;
  projectDir: string;
  /** Opens a second workspace on the same folders, as a new process would. */
  reopen(overrides?: Partial<TestWorkspaceOptions>): Promise<TestWorkspace>;
  cleanup(): Promise<void>;
}

/** Fixed prices so costs in tests are exact: $1 per million input tokens, $2 output, $0.5 cached. */
export function testConfig(providerUrl: string, extra = ''): string {
  return [
    'model = "test:fake-model"',
    '[providers.test]',
    `base_url = "${providerUrl}"`,
    '[providers.test.pricing."fake-model"]',
    'input = 1.0',
    'output = 2.0',
    'cache_read = 0.5',
    '[providers.test.models."fake-model"]',
    'context_window = 100000',
    'vision = true',
    extra,
  ].join('\n');
}

export async function makeTestWorkspace(options: TestWorkspaceOptions): Promise<TestWorkspace> {
  const root = options.root ?? (await mkdtemp(path.join(tmpdir(), 'octo-ws-')));
  const dataDir = path.join(root, 'data');
  const projectDir = path.join(root, 'project');
  await mkdir(projectDir, { recursive: true });
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  await writeFile(path.join(dataDir, 'config.toml'), testConfig(options.providerUrl, options.extraConfig), {
    mode: 0o600,
  });
  const ws = await createWorkspace(
    {
      env: { OCTO_HOME: dataDir, ...options.env },
      home: root,
      cwd: projectDir,
      clock: options.clock ?? { now: () => Date.now() },
      pid: process.pid,
    },
    options.options,
  );
  const self: TestWorkspace = {
    ws,
    root,
    dataDir,
    projectDir,
    reopen: async (overrides = {}) => {
      await ws.close();
      return makeTestWorkspace({ ...options, ...overrides, root });
    },
    cleanup: async () => {
      await ws.close();
      await rm(root, { recursive: true, force: true });
    },
  };
  return self;
}
