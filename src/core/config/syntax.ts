import type { TomlError } from 'smol-toml';
import type { ConfigIssue } from './issues.js';

const KEY_ON_LINE =
  /^\s*((?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*')(?:\s*\.\s*(?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*'))*)\s*=/;
const TABLE_HEADER = /^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(?:#.*)?$/;

/** A file smol-toml rejects: its line, its reason, and the key on that line when one can be read. */
export function syntaxIssue(file: string, text: string, error: TomlError): ConfigIssue {
  // smol-toml appends a code excerpt after a blank line; the first line is the reason.
  const reason = (error.message.split('\n')[0] ?? error.message).replace(/^Invalid TOML document: /, '');
  return {
    file,
    line: error.line,
    key: keyNearLine(text, error.line),
    message: `TOML syntax error: ${reason}`,
  };
}

/**
 * Best effort for a document that does not parse, so no real scanner can run: the key written on the
 * failing line, prefixed with the last table header above it. Null when the line holds no `key =`.
 */
export function keyNearLine(text: string, line: number): string | null {
  const lines = text.split(/\r?\n/);
  const key = KEY_ON_LINE.exec(lines[line - 1] ?? '')?.[1]?.replace(/\s*\.\s*/g, '.');
  if (key === undefined) return null;
  const header = lines
    .slice(0, line - 1)
    .reverse()
    .map((above) => TABLE_HEADER.exec(above)?.[1])
    .find((found) => found !== undefined);
  return header === undefined ? key : `${header.replace(/\s*\.\s*/g, '.')}.${key}`;
}
