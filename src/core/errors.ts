/** Error codes across the core; the CLI maps some of them to exit codes. */
export type ErrorCode =
  | 'config_invalid'
  | 'config_unreadable'
  | 'name_invalid'
  | 'session_not_found'
  | 'session_exists'
  | 'session_locked'
  | 'session_corrupt'
  | 'store_unwritable'
  | 'store_io'
  | 'provider_unconfigured'
  | 'provider_unknown'
  | 'provider_auth'
  | 'provider_rate_limit'
  | 'provider_server'
  | 'provider_timeout'
  | 'provider_malformed'
  | 'provider_bad_request'
  | 'provider_network'
  | 'aborted'
  | 'budget_exceeded'
  /** A request would not fit the model's context window, even after compression. */
  | 'context_overflow'
  | 'attachment_invalid'
  /** A server or daemon could not take its address: the port or socket is in use, or not this machine's. */
  | 'listen_failed'
  | 'turn_busy'
  | 'trust_required'
  /** A turn made tools.max_steps model calls without a final reply. */
  | 'step_limit'
  /** An MCP server did not start, or answer, within its configured time. */
  | 'mcp_timeout'
  /** An MCP server could not be started or reached, or broke its protocol. */
  | 'mcp_failed'
  /** The tokenizer thread could not load or count; callers fall back to estimates. */
  | 'tokenizer_unavailable'
  /** The process holding an attached session (a server, a daemon) went away or cannot be reached. */
  | 'holder_gone'
  /** That process refused what this terminal asked of it (its words are the message). */
  | 'holder_refused'
  /** A bug: never an expected failure. */
  | 'internal';

export interface OctoErrorOptions {
  cause?: unknown;
  /** Extra facts for the message or JSON output (never secrets). */
  details?: Record<string, unknown>;
}

/** The one error base of octo: always a code, always the cause when wrapping. */
export class OctoError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, options: OctoErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'OctoError';
    this.code = code;
    this.details = options.details ?? {};
  }
}

export function isOctoError(error: unknown, code?: ErrorCode): error is OctoError {
  return error instanceof OctoError && (code === undefined || error.code === code);
}

export function getErrorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'string') return error;
  try {
    return JSON.stringify(error) ?? String(error);
  } catch {
    return String(error);
  }
}

export function isAbortError(error: unknown): boolean {
  if (isOctoError(error, 'aborted')) return true;
  if (!(error instanceof Error)) return false;
  return error.name === 'AbortError' || error.name === 'APIUserAbortError';
}

/** The errno code of a Node system error, if any ("ENOSPC", "EACCES", ...). */
export function errnoCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

export function assertNever(value: never, what = 'value'): never {
  throw new OctoError('internal', `Unexpected ${what}: ${JSON.stringify(value)}`);
}
