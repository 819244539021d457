import { configSchema, type OctoConfig } from '../../../src/core/config/schema.js';
import { createChatClient } from '../../../src/core/provider/openai-client.js';
import { resolveModel } from '../../../src/core/provider/resolve.js';
import type {
  ChatMessage,
  CompletionResult,
  StreamEvent,
  ToolSchema,
} from '../../../src/core/provider/types.js';
import type { FakeProvider } from '../../support/fake-provider.js';

/** A key recognisable anywhere it might leak. */
export const SECRET_KEY = 'sk-octo-test-SECRET-4f9a2c';

export interface HarnessOptions {
  request?: Partial<OctoConfig['request']>;
  /** Extra `[providers.test]` fields. */
  provider?: Record<string, unknown>;
  random?: () => number;
  now?: () => number;
}

export interface Harness {
  config: OctoConfig;
  events: StreamEvent[];
  /** Every backoff the client asked for, in order. */
  sleeps: number[];
  /** Runs one completion; `onEvent` sees each event after it is recorded. */
  complete(options?: {
    messages?: ChatMessage[];
    tools?: ToolSchema[];
    signal?: AbortSignal;
    onEvent?: (event: StreamEvent) => void;
  }): Promise<CompletionResult>;
}

/** A real client pointed at the fake server as provider "test", with a recording, instant sleep. */
export function makeHarness(fake: FakeProvider, options: HarnessOptions = {}): Harness {
  // The configured waits stay at their defaults: a test that needs a timeout sets a short one itself.
  const config = configSchema().parse({
    providers: { test: { base_url: fake.url, api_key_env: 'TEST_API_KEY', ...options.provider } },
    request: { max_retries: 3, max_retry_delay_ms: 30_000, ...options.request },
  });
  const env = { TEST_API_KEY: SECRET_KEY };
  const sleeps: number[] = [];
  const events: StreamEvent[] = [];
  const client = createChatClient({
    env,
    config,
    sleep: (ms) => {
      sleeps.push(ms);
      return Promise.resolve();
    },
    random: options.random ?? (() => 0.5),
    ...(options.now === undefined ? {} : { now: options.now }),
  });
  const model = resolveModel('test:fake-model', config, env);
  return {
    config,
    events,
    sleeps,
    complete: (run = {}) =>
      client.complete(
        {
          model,
          messages: run.messages ?? [{ role: 'user', content: 'hello' }],
          tools: run.tools ?? [],
          ...(run.signal === undefined ? {} : { signal: run.signal }),
        },
        (event) => {
          events.push(event);
          run.onEvent?.(event);
        },
      ),
  };
}

/** The rejection of `promise`, failing the test when it resolves. */
export async function failureOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to reject');
}
