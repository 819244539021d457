import { afterAll, afterEach, beforeAll } from 'vitest';
import { startFakeProvider, type FakeProvider } from './fake-provider.js';
import type { TestWorkspace } from './workspace.js';

export interface ScriptedSuite {
  /** The scripted provider, started once for the file. */
  fake: FakeProvider;
  /** The test's workspace, if it made one; cleaned up after each test. */
  tw: TestWorkspace | undefined;
}

/** One fake provider per test file and one workspace per test, reset between tests. */
export function useScriptedSuite(): ScriptedSuite {
  const suite: Partial<ScriptedSuite> = {};
  beforeAll(async () => {
    suite.fake = await startFakeProvider();
  });
  afterAll(async () => {
    await suite.fake?.close();
  });
  afterEach(async () => {
    suite.fake?.setFallback(null);
    await suite.tw?.cleanup();
    suite.tw = undefined;
  });
  return suite as ScriptedSuite;
}
