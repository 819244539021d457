import * as z from 'zod';
import { PROVIDER_NAME_PATTERN, parseModelString } from './model-string.js';

/*
 * The schemas are built on first use, not at import: building them costs ~20 ms of every start, and a
 * start whose config files passed before does not check them again (load.ts, known-good.ts).
 */
function buildSchemas() {
  /** USD per million tokens. */
  const pricingSchema = z.strictObject({
    input: z.number().nonnegative(),
    output: z.number().nonnegative(),
    cache_read: z.number().nonnegative().optional(),
    cache_write: z.number().nonnegative().optional(),
  });

  const modelInfoSchema = z.strictObject({
    context_window: z.number().int().positive().optional(),
    vision: z.boolean().optional(),
    video: z.boolean().optional(),
    /** The tiktoken encoding that counts this model's tokens; by model family when not set. */
    encoding: z.enum(['o200k_base', 'cl100k_base']).optional(),
  });

  const providerSchema = z.strictObject({
    base_url: z.url().optional(),
    api_key_env: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name')
      .optional(),
    headers: z.record(z.string(), z.string()).optional(),
    pricing: z.record(z.string(), pricingSchema).default({}),
    models: z.record(z.string(), modelInfoSchema).default({}),
    /** This provider's wait for an answer to begin (ollama and lmstudio: 120 s, they load models). */
    first_byte_timeout_ms: z.number().int().positive().optional(),
  });

  const limitsSchema = z.strictObject({
    max_session_spending: z.number().positive().optional(),
    max_request_spending: z.number().positive().optional(),
    max_session_tokens: z.number().int().positive().optional(),
  });

  const requestSchema = z.strictObject({
    /** Gives up on a provider that has not begun to answer (no headers) after this long; retried once. */
    first_byte_timeout_ms: z.number().int().positive().default(15_000),
    /** Gives up on a stream that sends nothing for this long once it has begun. */
    idle_timeout_ms: z.number().int().positive().default(60_000),
    max_retries: z.number().int().min(0).max(10).default(4),
    /** Upper bound on a single backoff wait, Retry-After included. */
    max_retry_delay_ms: z.number().int().positive().default(60_000),
  });

  /** ask: the user is asked each time (or "always" for the session); allow: runs; deny: never runs. */
  const approvalModeSchema = z.enum(['ask', 'allow', 'deny']);

  const approvalSchema = z.strictObject({
    /** write_file and edit_file. */
    write: approvalModeSchema.default('ask'),
    /** run_shell. */
    shell: approvalModeSchema.default('ask'),
    /** MCP tools not marked read-only by their server. */
    mcp: approvalModeSchema.default('ask'),
    /** Per tool name ("run_shell", "fs__write_file"), over the category. */
    by_tool: z.record(z.string(), approvalModeSchema).default({}),
  });

  const shellSchema = z.strictObject({
    program: z.string().min(1).default('/bin/sh'),
    /** Default and maximum run time of one command. */
    timeout_ms: z.number().int().positive().default(120_000),
    /** Output kept while a command runs (its beginning and end); the result is then fitted to max_output_chars. */
    max_output_bytes: z.number().int().positive().default(200_000),
  });

  const toolsSchema = z.strictObject({
    /** Model calls per turn before the loop stops. */
    max_steps: z.number().int().positive().max(500).default(25),
    /** Characters of one tool result kept for the context and the store. */
    max_output_chars: z.number().int().positive().default(50_000),
    approval: approvalSchema.prefault({}),
    shell: shellSchema.prefault({}),
    /** Folders outside the project that file tools may use (relative ones are taken from the project). */
    allowed_dirs: z.array(z.string().min(1)).default([]),
    /** How long search_text or list_files may take; then it returns what it found, with a note. */
    search_budget_ms: z.number().int().positive().max(600_000).default(10_000),
  });

  /** Letters, digits, "_" and "-": safe inside tool names (SERVER__TOOL) and TOML keys. */
  const MCP_SERVER_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$/;

  const mcpServerSchema = z
    .strictObject({
      name: z.string().regex(MCP_SERVER_NAME, 'a server name is up to 32 letters, digits, "_" or "-"'),
      /** A stdio server: the program and its arguments. */
      command: z.string().min(1).optional(),
      args: z.array(z.string()).default([]),
      /** Added to the few variables a server inherits (provider keys are never passed on). */
      env: z.record(z.string(), z.string()).default({}),
      cwd: z.string().optional(),
      /** A streamable HTTP server. */
      url: z.url().optional(),
      headers: z.record(z.string(), z.string()).default({}),
      enabled: z.boolean().default(true),
    })
    .refine((server) => (server.command === undefined) !== (server.url === undefined), {
      message: 'a server has either command (stdio) or url (streamable HTTP), not both',
      path: ['command'],
    });

  const mcpSchema = z.strictObject({
    servers: z
      .array(mcpServerSchema)
      .default([])
      .refine((servers) => new Set(servers.map((s) => s.name)).size === servers.length, {
        message: 'two servers have the same name',
      }),
    /** Start-up and handshake of one server, listing its tools included. */
    connect_timeout_ms: z.number().int().positive().default(30_000),
    /** One tool call. */
    call_timeout_ms: z.number().int().positive().default(120_000),
  });

  const modelStringSchema = z.string().refine((value) => parseModelString(value) !== null, {
    message: 'expected "provider:model", e.g. "openai:gpt-4o-mini" or "ollama:qwen2.5-coder:7b"',
  });

  const providerNameSchema = z
    .string()
    .regex(
      PROVIDER_NAME_PATTERN,
      'a provider name is letters, digits, "_" or "-", starting with a letter or digit',
    );

  const pressureLevelSchema = z.strictObject({
    /** Tokens of the assembled context above which this level compresses. */
    threshold: z.number().int().positive(),
    /** The context shrinks by this factor when the level is passed. */
    target_ratio: z.number().min(1.2).max(20),
  });

  const compressionSchema = z.strictObject({
    enabled: z.boolean().default(true),
    /** Knowledge entries carried across compressions; pinned ones are kept beyond it. */
    knowledge_retention: z.number().int().min(0).max(500).default(25),
    /** The model that writes summaries; the session's own model when not set. */
    model: modelStringSchema.optional(),
    /** Tokens kept free for the reply: no level sits above the window minus this. */
    reply_reserve: z.number().int().positive().default(8192),
    /** Sorted by threshold when used; when not set, levels at 60% and 85% of the usable window. */
    pressure_levels: z.array(pressureLevelSchema).min(1).optional(),
    /**
     * How the summary's JSON is asked for (`response_format`): `auto` picks by provider and model,
     * `json_schema` and `json_object` force one, `off` sends none (the reply is still parsed, prose too).
     */
    structured_output: z.enum(['auto', 'json_schema', 'json_object', 'off']).default('auto'),
  });

  const customCommandSchema = z.strictObject({
    name: z
      .string()
      .regex(/^[a-z][a-z0-9_-]{0,31}$/, 'a command name is lower-case letters, digits, "_" or "-"'),
    prompt: z.string().min(1),
    description: z.string().optional(),
    /** Runs the prompt with this model, for that turn only. */
    model: modelStringSchema.optional(),
  });

  const agentSchema = z.strictObject({
    name: z.string().regex(/^[a-z][a-z0-9_]{0,31}$/, 'an agent name is lower-case letters, digits and "_"'),
    /** Tells the model when to use it (the description of its agent_NAME tool). */
    description: z.string().min(1),
    system_prompt: z.string().min(1),
    /** The calling session's model when not set. */
    model: modelStringSchema.optional(),
    /** Tool names it may use (built-in or SERVER__TOOL); read-only built-ins when not set. */
    tools: z.array(z.string()).optional(),
  });

  const projectSchema = z.strictObject({
    /** Watch the project of a session open for writing, to mark files the model read as stale. */
    watch: z.boolean().default(true),
    /** Paths watched at most (inotify watches are a per-user budget); beyond it only files the model read. */
    watch_max_paths: z.number().int().positive().default(10_000),
    /** Folder levels below the project root that are watched. */
    watch_depth: z.number().int().min(0).max(100).default(20),
  });

  const trashSchema = z.strictObject({
    /** Sessions in the trash longer than this are deleted for good. Not set: never. */
    purge_after_days: z.number().int().positive().optional(),
  });

  /** `octo server` and `octo run --daemon`. */
  const serverSchema = z.strictObject({
    /** A tool call asked about in a served session and answered by no client within this is denied. */
    approval_timeout_ms: z.number().int().positive().default(300_000),
    /**
     * A client with more than this unread that does not read it within a second (or that gets 8 times this
     * more meanwhile) is dropped, so it cannot grow the server's memory (server/slow-client.ts).
     */
    client_buffer_bytes: z
      .number()
      .int()
      .min(64 * 1024)
      .default(8 * 1024 * 1024),
  });

  /*
   * Every table is strict so that a typo is reported, never ignored (docs/faults.md row 30). New sections are
   * added here as one more key; `prefault({})` runs the section's own defaults, so no default is repeated.
   */
  const configSchema = z.strictObject({
    model: modelStringSchema.default('openai:gpt-4o-mini'),
    theme: z.string().default('dark'),
    system_prompt: z.string().optional(),
    providers: z.record(providerNameSchema, providerSchema).default({}),
    limits: limitsSchema.prefault({}),
    request: requestSchema.prefault({}),
    tools: toolsSchema.prefault({}),
    mcp: mcpSchema.prefault({}),
    /** `[[agents]]`: sub-agents offered to the model as agent_NAME tools. */
    agents: z.array(agentSchema).default([]),
    compression: compressionSchema.prefault({}),
    project: projectSchema.prefault({}),
    trash: trashSchema.prefault({}),
    server: serverSchema.prefault({}),
    /** `[[commands]]`: custom slash commands run with /run NAME. */
    commands: z.array(customCommandSchema).default([]),
  });

  return {
    config: configSchema,
    provider: providerSchema,
    pricing: pricingSchema,
    compression: compressionSchema,
    customCommand: customCommandSchema,
    mcpServer: mcpServerSchema,
    agent: agentSchema,
  };
}

type Schemas = ReturnType<typeof buildSchemas>;
// Not core/lazy.ts: a contract module imports only the contract (docs/architecture.md).
let built: Schemas | undefined;

function schemas(): Schemas {
  built ??= buildSchemas();
  return built;
}

/** The whole configuration's schema (built on the first call). */
export function configSchema(): Schemas['config'] {
  return schemas().config;
}

export type OctoConfig = z.infer<Schemas['config']>;
export type ProviderConfig = z.infer<Schemas['provider']>;
export type PricingConfig = z.infer<Schemas['pricing']>;
export type CompressionConfig = z.infer<Schemas['compression']>;
export type CustomCommandConfig = z.infer<Schemas['customCommand']>;
export type McpServerConfig = z.infer<Schemas['mcpServer']>;
export type AgentConfig = z.infer<Schemas['agent']>;

/** The configuration when no file sets anything. */
export function defaultConfig(): OctoConfig {
  return configSchema().parse({});
}
