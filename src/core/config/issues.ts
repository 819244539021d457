import { OctoError } from '../errors.js';
import type { KeyPath } from './locate.js';

/** One problem in one config file, located as precisely as the text allows. */
export interface ConfigIssue {
  file: string;
  /** 1-based; null when no line of the file can be tied to the problem. */
  line: number | null;
  /** Dotted TOML key ("providers.local.pricing."gpt-x".input"); null when none applies. */
  key: string | null;
  message: string;
}

/** "file:line: key: message", the shape editors and terminals turn into a link. */
export function formatIssue(issue: ConfigIssue): string {
  const where = issue.line === null ? issue.file : `${issue.file}:${issue.line}`;
  return issue.key === null ? `${where}: ${issue.message}` : `${where}: ${issue.key}: ${issue.message}`;
}

/**
 * All issues of all files in one error, one per line, so the user fixes everything in one pass.
 * `details` carries the first issue's location at the top level, and every issue under `issues`.
 */
export function configInvalidError(issues: readonly ConfigIssue[]): OctoError {
  const first = issues[0];
  if (first === undefined) throw new OctoError('internal', 'configInvalidError needs at least one issue');
  return new OctoError('config_invalid', issues.map(formatIssue).join('\n'), {
    details: { file: first.file, line: first.line, key: first.key, issues: [...issues] },
  });
}

/**
 * Writes a key path as TOML would: bare segments where they are plain words, quoted otherwise.
 * Hyphenated names are quoted too, so model and provider names read as names, not as arithmetic.
 */
export function dottedKey(path: KeyPath): string | null {
  if (path.length === 0) return null;
  return path
    .map((segment, index) => {
      if (typeof segment === 'number') return `[${segment}]`;
      const text = /^[A-Za-z0-9_]+$/.test(segment) ? segment : JSON.stringify(segment);
      return index === 0 ? text : `.${text}`;
    })
    .join('');
}

/** The TOML name of a parsed value's type, for "expected a number, got string". */
export function tomlTypeName(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (value instanceof Date) return 'date-time';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'float';
  if (typeof value === 'bigint') return 'integer';
  if (value !== null && typeof value === 'object') return 'table';
  return typeof value;
}
