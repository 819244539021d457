import { afterAll, afterEach, beforeAll } from 'vitest';
import type { Workspace } from '../../../src/core/api.js';
import type { TuiOptions } from '../../../src/tui/index.js';
import { startFakeProvider, type FakeProvider } from '../../support/fake-provider.js';
import { makeTestWorkspace, type TestWorkspace, type TestWorkspaceOptions } from '../../support/workspace.js';
import { startHeadless, type Headless } from './headless.js';

/** A test file's fake provider, and the workspace and screen each test opens over the real core. */
export interface RealCore {
  readonly fake: FakeProvider;
  /** A workspace cleaned up after the test. */
  workspace(options: TestWorkspaceOptions): Promise<TestWorkspace>;
  /** A headless screen exited after the test, before its workspace is cleaned up. */
  screen(
    ws: Workspace,
    size: { width: number; height: number },
    options?: Partial<TuiOptions>,
  ): Promise<Headless>;
}

/** Registers the hooks: the fake provider lives for the file, workspace and screen for one test. */
export function useRealCore(): RealCore {
  let fake: FakeProvider | null = null;
  let test: TestWorkspace | null = null;
  let screen: Headless | null = null;
  beforeAll(async () => {
    fake = await startFakeProvider();
  });
  afterAll(async () => {
    await fake?.close();
  });
  afterEach(async () => {
    if (screen !== null) {
      screen.tui.controller.onExit(0);
      await screen.tui.exited;
      screen = null;
    }
    await test?.cleanup();
    test = null;
  });
  return {
    get fake(): FakeProvider {
      if (fake === null) throw new Error('the fake provider starts in beforeAll');
      return fake;
    },
    async workspace(options) {
      test = await makeTestWorkspace(options);
      return test;
    },
    async screen(ws, size, options) {
      screen = await startHeadless(ws, size, options);
      return screen;
    },
  };
}
