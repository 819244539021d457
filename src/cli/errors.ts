/** The only place where errors become messages and exit codes (CONTRIBUTING.md, "How code is written"). */
import path from 'node:path';
import type { Env } from '../core/deps.js';
import { getErrorMessage, isOctoError, type ErrorCode } from '../core/errors.js';
import { resolvePaths } from '../core/listing.js';
import { appendLogEntry, errorDetail } from '../core/log-file.js';
import { sanitizeText } from '../core/text/index.js';
import { EXIT, type ExitCode, type Output } from './io.js';

export function exitCodeFor(code: ErrorCode): ExitCode {
  switch (code) {
    case 'budget_exceeded':
      return EXIT.budget;
    case 'aborted':
      return EXIT.interrupted;
    case 'config_invalid':
    case 'config_unreadable':
    case 'name_invalid':
    case 'session_not_found':
    case 'session_exists':
    case 'session_locked':
    case 'session_corrupt':
    case 'store_unwritable':
    case 'store_io':
    case 'provider_unconfigured':
    case 'provider_unknown':
    case 'provider_auth':
    case 'provider_rate_limit':
    case 'provider_server':
    case 'provider_timeout':
    case 'provider_malformed':
    case 'provider_bad_request':
    case 'provider_network':
    case 'attachment_invalid':
    case 'listen_failed':
    case 'context_overflow':
    case 'turn_busy':
    case 'trust_required':
    case 'step_limit':
    case 'mcp_timeout':
    case 'mcp_failed':
    case 'tokenizer_unavailable':
    case 'holder_gone':
    case 'holder_refused':
    case 'internal':
      return EXIT.failure;
  }
}

/** Where unexpected errors are written in full, since the terminal never sees a stack trace. */
export function cliLogPath(env: Env, home: string): string {
  return path.join(resolvePaths(env, home).data, 'logs', 'cli.log');
}

function writeLog(file: string, error: unknown): void {
  appendLogEntry(file, `${new Date().toISOString()} pid ${process.pid}\n${errorDetail(error)}\n\n`);
}

/**
 * Says what went wrong, on stderr and in one short message, and returns the exit code. Expected
 * failures (OctoError) carry a message written for the user; anything else is a bug in octo.
 */
export function reportError(error: unknown, output: Output): ExitCode {
  if (isOctoError(error) && error.code !== 'internal') {
    output.error(sanitizeText(error.message));
    return exitCodeFor(error.code);
  }
  output.error(`internal error: ${sanitizeText(getErrorMessage(error))}`);
  try {
    const file = cliLogPath(output.io.env, output.io.home);
    writeLog(file, error);
    output.note(`The details are in ${file}; please include them if you report this.`);
  } catch (logError) {
    output.note(`The details could not be logged either: ${sanitizeText(getErrorMessage(logError))}`);
  }
  return EXIT.failure;
}
