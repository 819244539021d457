/**
 * The provider conformance suite's harness: recorded responses (test/fixtures/providers/) replayed
 * by the fake provider under the provider's real name, through the real binary (`octo run -p`), with
 * what octo showed (stdout, stderr), stored (`sessions show --json`) and sent (the captured requests).
 */
import { afterAll, afterEach, beforeAll } from 'vitest';
import type { MessageRecord, SessionRecord, SessionSummary } from '../../src/core/api.js';
import { startFakeProvider, type FakeProvider, type FakeStep } from '../support/fake-provider.js';
import { makeOctoHome, type OctoHome, type OctoResult } from './support.js';

/**
 * A test here runs the binary two to five times; on a loaded machine each run can take seconds, so
 * the budget is per test, above vitest's default.
 */
export const RUNS_TIMEOUT_MS = 120_000;
/** One run of the binary, however slow the machine; a real hang still fails (and the test's time). */
const RUN_HANG_MS = 40_000;

/** Recognisable anywhere it might leak; the env var names are the providers' own. */
export const KEY = 'sk-conformance-0123456789abcdefghij';

export interface ReplayOptions {
  /** `provider:model`, the provider's real built-in name where it has one. */
  model: string;
  /** The key variable of a built-in that needs one (DEEPSEEK_API_KEY, ...). */
  keyEnv?: string;
  /** Where the provider is (default: the fake provider). */
  baseUrl?: string;
  /** More keys of the provider's own table (`api_key_env = "..."`). */
  providerKeys?: string;
  /** More TOML after the provider table (pricing, [request] ...). */
  config?: string;
  /** More environment (another provider's key). */
  env?: Record<string, string>;
}

export interface Turn extends OctoResult {
  /** The parsed stdout, when run with --json. */
  json: TurnJson | null;
}

export interface TurnJson {
  status: string;
  finishReason: string | null;
  reply: string;
  usage: (Record<string, number> & { incomplete?: true }) | null;
  cost: number | null;
  toolCalls: Array<{ id: string; name: string; arguments: string; ok: boolean | null }>;
  error?: { code: string; message: string };
}

export interface SentMessage {
  role: string;
  content: unknown;
  tool_calls?: Array<{ id: string; type: string; function: { name: string; arguments: string } }>;
  tool_call_id?: string;
  reasoning_content?: string;
  reasoning_details?: unknown[];
  [field: string]: unknown;
}

/** One octo home per test, pointed at the file's fake provider under the provider's own name. */
export class Replay {
  private constructor(
    readonly fake: FakeProvider,
    readonly home: OctoHome,
  ) {}

  static async open(fake: FakeProvider, options: ReplayOptions): Promise<Replay> {
    const provider = options.model.slice(0, options.model.indexOf(':'));
    const config = [
      `model = "${options.model}"`,
      '',
      `[providers.${provider}]`,
      `base_url = "${options.baseUrl ?? fake.url}"`,
      options.providerKeys ?? '',
      '',
      options.config ?? '',
    ].join('\n');
    const env = { ...(options.keyEnv === undefined ? {} : { [options.keyEnv]: KEY }), ...options.env };
    return new Replay(fake, await makeOctoHome(fake.url, { config, env }));
  }

  /** One `-p` turn of session `name` answered by `steps`, one per request. */
  async turn(name: string, prompt: string, steps: FakeStep[], args: string[] = []): Promise<Turn> {
    this.fake.enqueue(...steps);
    const result = await this.home.run(['run', '--name', name, '-p', prompt, ...args], {
      hangMs: RUN_HANG_MS,
    });
    const json =
      args.includes('--json') && result.stdout !== '' ? (JSON.parse(result.stdout) as TurnJson) : null;
    return { ...result, json };
  }

  /** What `octo sessions show --json` says is stored. */
  async stored(name: string): Promise<{ session: SessionSummary; records: SessionRecord[] }> {
    const shown = await this.home.run(['sessions', 'show', name, '--json'], { hangMs: RUN_HANG_MS });
    if (shown.code !== 0) throw new Error(`sessions show failed: ${shown.stderr}`);
    return JSON.parse(shown.stdout) as { session: SessionSummary; records: SessionRecord[] };
  }

  /** What `octo sessions show` prints. */
  async shown(name: string): Promise<string> {
    return (await this.home.run(['sessions', 'show', name], { hangMs: RUN_HANG_MS })).stdout;
  }

  async replies(name: string): Promise<MessageRecord[]> {
    return (await this.stored(name)).records.filter(
      (r): r is MessageRecord => r.kind === 'message' && r.role === 'assistant',
    );
  }

  /** The messages of request `index` counted from the end (-1 is the latest request). */
  sent(index = -1): SentMessage[] {
    const request = this.fake.requests.at(index);
    if (request === undefined) throw new Error(`no request ${index}`);
    return (request.body as { messages: SentMessage[] }).messages;
  }

  /** The requests to the chat endpoint since `from`. */
  requestsSince(from: number): number {
    return this.fake.requests.length - from;
  }
}

/** The file's fake provider (started once), and each test's homes cleaned up after it. */
export function useReplays(): { open(options: ReplayOptions): Promise<Replay>; fake(): FakeProvider } {
  let fake: FakeProvider | null = null;
  const opened: Replay[] = [];
  beforeAll(async () => {
    fake = await startFakeProvider();
  });
  afterAll(async () => {
    await fake?.close();
  });
  afterEach(async () => {
    for (const replay of opened.splice(0)) await replay.home.cleanup();
    fake?.setFallback(null);
    fake?.clear();
  });
  const running = (): FakeProvider => {
    if (fake === null) throw new Error('the fake provider starts in beforeAll');
    return fake;
  };
  return {
    fake: running,
    open: async (options) => {
      const replay = await Replay.open(running(), options);
      opened.push(replay);
      return replay;
    },
  };
}

/** USD for tokens at a price per million. */
export function dollars(tokens: number, perMillion: number): number {
  return (tokens * perMillion) / 1e6;
}
