/**
 * When a key names a secret (`DB_PASSWORD`, `apiKey`, `client_secret`) and when a value is one, for
 * the redactor (redact.ts). Keys are split into words (`AWS_SECRET_ACCESS_KEY`, `githubToken`); a key
 * names a secret when one of its words does, unless its last word says it is about the secret rather
 * than the secret itself (`PASSWORD_MIN_LENGTH`, `TOKEN_URL`, `API_KEY_HEADER`).
 */

/** Words that make a key a secret wherever they stand. */
const SECRET_WORDS = new Set([
  'PASSWORD',
  'PASSWD',
  'PWD',
  'PASS',
  'PASSPHRASE',
  'SECRET',
  'SECRETS',
  'TOKEN',
  'TOKENS',
  'APIKEY',
  'ACCESSKEY',
  'PRIVATEKEY',
  'CREDENTIAL',
  'CREDENTIALS',
]);

/** `KEY` is a secret unless it is one of these kinds of key (a sort key is a column name). */
const ORDINARY_KEYS = new Set([
  'SORT',
  'CACHE',
  'PRIMARY',
  'FOREIGN',
  'PARTITION',
  'ROUTING',
  'HASH',
  'MAP',
  'LOOKUP',
  'UNIQUE',
  'IDEMPOTENCY',
  'OBJECT',
  'S3',
  'PUBLIC',
  'PUBLISHABLE',
  'HOT',
  'SHORTCUT',
]);

/** A last word that makes the key about a secret, not the secret: `PASSWORD_MIN_LENGTH`, `TOKEN_URL`. */
const ABOUT_WORDS = new Set([
  'LENGTH',
  'LEN',
  'MIN',
  'MAX',
  'SIZE',
  'COUNT',
  'ENABLED',
  'ENABLE',
  'DISABLED',
  'REQUIRED',
  'FILE',
  'PATH',
  'DIR',
  'NAME',
  'ID',
  'IDS',
  'TYPE',
  'HEADER',
  'FIELD',
  'PARAM',
  'REGEX',
  'PATTERN',
  'POLICY',
  'TTL',
  'TIMEOUT',
  'EXPIRY',
  'EXPIRES',
  'URL',
  'URI',
  'LIMIT',
  'PREFIX',
  'ALGORITHM',
  'VERSION',
  'MODE',
  'ENV',
  'VAR',
  'ENDPOINT',
  'HOST',
  'PORT',
  'USER',
  'USERNAME',
  'FORMAT',
  'LABEL',
  'HINT',
  'PROMPT',
  'MESSAGE',
  'ERROR',
  'RESET',
  'ROTATION',
  'STRENGTH',
  'LOCATION',
  'ISSUER',
  'AUDIENCE',
  'SCOPE',
  'SCOPES',
]);

/** Values that are settings, never secrets: `PASSWORD_AUTH=true`, `TOKEN=none`. */
const PLAIN_VALUES = new Set([
  'true',
  'false',
  'yes',
  'no',
  'on',
  'off',
  'null',
  'none',
  'nil',
  'undefined',
  'string',
  'str',
  'number',
  'int',
  'boolean',
  'bool',
  'bytes',
  'any',
  'unknown',
  'required',
  'optional',
]);

function words(key: string): string[] {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toUpperCase()
    .split(/[^A-Z0-9]+/)
    .filter((word) => word !== '');
}

export function isSecretKey(key: string): boolean {
  const parts = words(key);
  const last = parts.at(-1);
  if (last === undefined || ABOUT_WORDS.has(last)) return false;
  return parts.some(
    (word, i) => SECRET_WORDS.has(word) || (word === 'KEY' && !ORDINARY_KEYS.has(parts[i - 1] ?? '')),
  );
}

/**
 * The value of a secret-named key is a secret unless it is empty, a setting (`true`, `8`), a type
 * (`password: string`), a reference to somewhere else (`$DB_PASSWORD`, `${...}`, `process.env.X`) or
 * already redacted.
 */
export function isSecretValue(value: string): boolean {
  if (value === '' || PLAIN_VALUES.has(value.toLowerCase())) return false;
  if (/^-?\d+(\.\d+)?$/.test(value)) return false;
  if (value.startsWith('$') || value.includes('${') || value.startsWith('[redacted')) return false;
  // A dotted path of identifiers reads another value: `process.env.API_KEY`, `config.token`.
  if (/^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)+$/.test(value)) return false;
  return true;
}

/** Characters a random token is made of. */
const TOKEN_CHARS = /^[A-Za-z0-9+/=_.~-]+$/;
/** Shorter random-looking values are too often ordinary words run together. */
const MIN_LOOKS_SECRET = 20;
/** Bits per character of random base64 are 6; English words and identifiers stay well under this. */
const MIN_ENTROPY_BITS = 3.5;

/**
 * A value that looks random enough to be a key whatever its name: long, of token characters, mixing
 * upper case, lower case and digits, with high entropy. Hex (git SHAs, checksums) and UUIDs do not.
 */
export function looksLikeSecret(value: string): boolean {
  if (value.length < MIN_LOOKS_SECRET || !TOKEN_CHARS.test(value)) return false;
  if (/^[0-9a-fA-F-]+$/.test(value)) return false;
  if (!/[A-Z]/.test(value) || !/[a-z]/.test(value) || !/[0-9]/.test(value)) return false;
  return entropy(value) >= MIN_ENTROPY_BITS;
}

function entropy(text: string): number {
  const counts = new Map<string, number>();
  for (const char of text) counts.set(char, (counts.get(char) ?? 0) + 1);
  let bits = 0;
  for (const count of counts.values()) {
    const p = count / text.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}
