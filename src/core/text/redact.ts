/**
 * Keeps secrets out of what octo stores, indexes and sends (docs/faults.md row 28): the
 * values of secret-looking environment variables, well-known token formats, passwords inside URLs,
 * private-key blocks, and the values of assignments whose key names a secret (`.env`, YAML, JSON,
 * code) or, in `.env`-shaped lines, whose value looks like one. Each is replaced by
 * `[redacted:<what>]`. Near misses stay: git SHAs, UUIDs, checksums and ordinary base64 in code are
 * not secrets. Every pattern is linear in the text (bounded or single quantifiers): tool outputs of
 * 50,000 characters go through here.
 */
import type { Env } from '../deps.js';
import { isSecretKey, isSecretValue, looksLikeSecret } from './secret-words.js';

/** Shorter environment values are too likely to match ordinary words and numbers. */
const MIN_ENV_SECRET_LENGTH = 8;

/** Well-known token formats, by their fixed prefixes and lengths. */
const TOKEN_FORMATS: ReadonlyArray<[RegExp, string]> = [
  // OpenAI (sk-, sk-proj-, sk-svcacct-, sk-admin-), OpenRouter (sk-or-v1-), Anthropic (sk-ant-api03-).
  [/\bsk-[A-Za-z0-9_-]{20,}/g, 'api-key'],
  [/\bgh[pousr]_[A-Za-z0-9]{30,}/g, 'github-token'],
  [/\bgithub_pat_[A-Za-z0-9_]{30,}/g, 'github-token'],
  [/\bglpat-[A-Za-z0-9_-]{20,}/g, 'gitlab-token'],
  [/\bnpm_[A-Za-z0-9]{36}\b/g, 'npm-token'],
  [/\bhf_[A-Za-z0-9]{30,}/g, 'huggingface-token'],
  [/\b(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,}/g, 'stripe-key'],
  [/\bwhsec_[A-Za-z0-9+/=]{16,}/g, 'stripe-webhook-secret'],
  [/\bxox[abeoprs]-[A-Za-z0-9-]{10,}/g, 'slack-token'],
  [/\bxapp-\d-[A-Za-z0-9-]{10,}/g, 'slack-token'],
  [/https:\/\/hooks\.slack\.com\/(?:services|workflows)\/[A-Za-z0-9/_-]{20,}/g, 'slack-webhook'],
  [/\bSG\.[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{16,}/g, 'sendgrid-key'],
  [/\b(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA)[0-9A-Z]{16}\b/g, 'aws-key'],
  [/\bAIza[0-9A-Za-z_-]{35}(?![0-9A-Za-z_-])/g, 'google-key'],
  [/\bGOCSPX-[A-Za-z0-9_-]{20,}/g, 'google-client-secret'],
  [/\bya29\.[A-Za-z0-9_-]{20,}/g, 'google-token'],
  // A JSON Web Token: a header and a payload that are JSON objects ("eyJ" is `{"`), and a signature.
  [/\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g, 'jwt'],
];

/** A private key, to its END line or, cut short, to the end of the text. */
const PRIVATE_KEY =
  /-----BEGIN ([A-Z0-9 ]{0,40})PRIVATE KEY( BLOCK)?-----[\s\S]*?(?:-----END \1PRIVATE KEY\2-----|$)/g;

/** `scheme://user:PASSWORD@host`: only the password goes. */
const URL_PASSWORD = /\b([a-z][a-z0-9+.-]{1,20}:\/\/[^\s:@/]{0,128}:)([^\s@/]{1,256})@/gi;

/** `Authorization: Bearer <token>` and the like. */
const AUTH_HEADER = /\b(Bearer|Basic|Token)(\s+)([A-Za-z0-9._~+/-]{16,}=*)/g;

/**
 * An AWS secret access key on its own: 40 base64 characters, mixed, with a `/` or `+` (a git SHA is
 * hex; a long identifier has neither). Keys without one are caught by their name (`aws_secret_...`).
 */
const AWS_SECRET = /(?<![A-Za-z0-9/+=])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])/g;

/**
 * Lines shaped like `.env`: `KEY=value` at the start of a line (after the line-number or file:line
 * prefix of octo's read and search tools, or a diff marker), with `export` allowed.
 */
const ENV_LINE =
  /^((?:[^\s:]{1,256}:\d{1,9}: |[ \t]{0,12}\d{1,9}: |[+-])?[ \t]{0,12}(?:export[ \t]+)?)([A-Za-z_][A-Za-z0-9_.]{0,127})=("[^"\n]*"|'[^'\n]*'|[^\s#]*)/gm;

/** `key = "value"`, `key: 'value'`, `"key": "value"`, `key => "value"`: a quoted literal. */
const QUOTED_ASSIGNMENT =
  /(?<![A-Za-z0-9_.-])(["']?)([A-Za-z_][A-Za-z0-9_.-]{0,127})\1([ \t]{0,4}(?:=>|[=:])[ \t]{0,4})("[^"\n]{1,2000}"|'[^'\n]{1,2000}')/g;

/** YAML and INI: `key: value` or `key = value` as a whole line, the value bare. */
const CONFIG_LINE =
  /^([ \t]{0,40}(?:- )?)([A-Za-z_][A-Za-z0-9_.-]{0,127})([ \t]{0,4}[=:][ \t]{0,4})([^\s"'#;,{}()[\]<>]+)[ \t]*$/gm;

export interface Redactor {
  redact(text: string): string;
}

function marker(what: string): string {
  return `[redacted:${what}]`;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Keeps the quotes around a redacted value. */
function redactValue(value: string, what: string): string {
  const quote = value[0] === '"' || value[0] === "'" ? value[0] : '';
  return `${quote}${marker(what)}${quote}`;
}

function unquote(value: string): string {
  const quote = value[0];
  return (quote === '"' || quote === "'") && value.endsWith(quote) ? value.slice(1, -1) : value;
}

export function createRedactor(env: Env): Redactor {
  const values = Object.entries(env)
    .filter(
      ([name, value]) => isSecretKey(name) && value !== undefined && value.length >= MIN_ENV_SECRET_LENGTH,
    )
    .map(([name, value]) => ({ name, value: value as string }))
    // Longest first, so a value containing another is replaced whole.
    .sort((a, b) => b.value.length - a.value.length);
  const envPattern =
    values.length === 0 ? null : new RegExp(values.map((v) => escapeRegExp(v.value)).join('|'), 'g');
  const nameOf = new Map(values.map((v) => [v.value, v.name]));

  return {
    redact(text: string): string {
      let out = text.replace(PRIVATE_KEY, marker('private-key'));
      if (envPattern !== null) out = out.replace(envPattern, (m) => marker(nameOf.get(m) ?? 'secret'));
      for (const [pattern, what] of TOKEN_FORMATS) out = out.replace(pattern, marker(what));
      out = out.replace(URL_PASSWORD, (_m, head: string) => `${head}${marker('url-password')}@`);
      out = out.replace(
        AUTH_HEADER,
        (_m, scheme: string, gap: string) => `${scheme}${gap}${marker('token')}`,
      );
      out = out.replace(AWS_SECRET, (m) => (looksLikeAwsSecret(m) ? marker('aws-secret-key') : m));
      out = out.replace(ENV_LINE, (m, head: string, key: string, value: string) => {
        const bare = unquote(value);
        const secret = isSecretKey(key) ? isSecretValue(bare) : looksLikeSecret(bare);
        return secret ? `${head}${key}=${redactValue(value, 'secret')}` : m;
      });
      out = out.replace(QUOTED_ASSIGNMENT, (m, q: string, key: string, sep: string, value: string) =>
        isSecretKey(key) && isSecretValue(unquote(value))
          ? `${q}${key}${q}${sep}${redactValue(value, 'secret')}`
          : m,
      );
      out = out.replace(CONFIG_LINE, (m, head: string, key: string, sep: string, value: string) =>
        isSecretKey(key) && isSecretValue(value) ? `${head}${key}${sep}${marker('secret')}` : m,
      );
      return out;
    },
  };
}

function looksLikeAwsSecret(token: string): boolean {
  return /[/+]/.test(token) && /[A-Z]/.test(token) && /[a-z]/.test(token) && /[0-9]/.test(token);
}
