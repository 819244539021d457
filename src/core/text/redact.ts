/**
 * Keeps secrets out of stored transcripts (docs/faults.md row 28): values of secret-looking environment
 * variables, and well-known key formats, are replaced before anything is written or sent.
 */
import type { Env } from '../deps.js';

const SECRET_NAME = /(KEY|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL|AUTH)/i;
// Shorter values are too likely to match ordinary words and numbers.
const MIN_SECRET_LENGTH = 8;

const KEY_PATTERNS: ReadonlyArray<[RegExp, string]> = [
  [/\bsk-(?:proj-|or-v1-|ant-)?[A-Za-z0-9_-]{20,}/g, 'api-key'],
  [/\bgh[pousr]_[A-Za-z0-9]{30,}/g, 'github-token'],
  [/\bgithub_pat_[A-Za-z0-9_]{30,}/g, 'github-token'],
  [/\bxox[abprs]-[A-Za-z0-9-]{10,}/g, 'slack-token'],
  [/\bAKIA[0-9A-Z]{16}\b/g, 'aws-key'],
  [/\bAIza[0-9A-Za-z_-]{35}\b/g, 'google-key'],
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g, 'private-key'],
];

export interface Redactor {
  redact(text: string): string;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function createRedactor(env: Env): Redactor {
  const values = Object.entries(env)
    .filter(
      ([name, value]) => SECRET_NAME.test(name) && value !== undefined && value.length >= MIN_SECRET_LENGTH,
    )
    .map(([name, value]) => ({ name, value: value as string }))
    // Longest first, so a value containing another is replaced whole.
    .sort((a, b) => b.value.length - a.value.length);
  const envPattern =
    values.length === 0 ? null : new RegExp(values.map((v) => escapeRegExp(v.value)).join('|'), 'g');
  const nameOf = new Map(values.map((v) => [v.value, v.name]));

  return {
    redact(text: string): string {
      let out =
        envPattern === null
          ? text
          : text.replace(envPattern, (m) => `[redacted:${nameOf.get(m) ?? 'secret'}]`);
      for (const [pattern, label] of KEY_PATTERNS) out = out.replace(pattern, `[redacted:${label}]`);
      return out;
    },
  };
}
