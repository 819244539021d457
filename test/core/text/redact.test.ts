import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRedactor } from '../../../src/core/text/redact.js';

interface Corpus {
  secrets: Array<{ format: string; text: string; secret: string }>;
  nearMisses: Array<{ what: string; text: string }>;
}

const corpus = JSON.parse(
  await readFile(path.join(import.meta.dirname, '../../fixtures/secrets/corpus.json'), 'utf8'),
) as Corpus;
const redactor = createRedactor({});

describe('the redactor (docs/faults.md row 28)', () => {
  it.each(corpus.secrets.map((s) => [s.format, s] as const))('removes %s', (_format, { text, secret }) => {
    const out = redactor.redact(text);
    expect(out).not.toContain(secret);
    expect(out).toContain('[redacted:');
    // Redacting again changes nothing: what is stored can be redacted again on its way out.
    expect(redactor.redact(out)).toBe(out);
  });

  it.each(corpus.nearMisses.map((n) => [n.what, n.text] as const))('leaves %s alone', (_what, text) => {
    expect(redactor.redact(text)).toBe(text);
  });

  it('keeps the text around a secret: the key, the quotes, the rest of the URL', () => {
    expect(redactor.redact('DATABASE_URL=postgres://app:Tr0ub4dor-3@db.internal:5432/app')).toBe(
      'DATABASE_URL=postgres://app:[redacted:url-password]@db.internal:5432/app',
    );
    expect(redactor.redact('export API_TOKEN="tok_9f8e7d6c5b4a3f2e1d0c"')).toBe(
      'export API_TOKEN="[redacted:secret]"',
    );
    expect(redactor.redact('{"client_secret": "json-client-secret-value-9", "client_id": "abc"}')).toBe(
      '{"client_secret": "[redacted:secret]", "client_id": "abc"}',
    );
  });

  it('removes a whole .env file of every format, keeping its settings', async () => {
    const env = await readFile(path.join(import.meta.dirname, '../../fixtures/secrets/app.env'), 'utf8');
    const out = redactor.redact(env);
    for (const { secret } of corpus.secrets.filter((s) => env.includes(s.secret))) {
      expect(out).not.toContain(secret);
    }
    expect(out).toContain('NODE_ENV=production\nPORT=8080\n');
    expect(out).toContain('GIT_COMMIT=3f786850e387550fdab836ed7e6dc881de23001b\n');
    expect(out).toContain('PASSWORD_MIN_LENGTH=12\n');
    expect(out).not.toContain('-----END');
  });

  it('removes the values of secret-named environment variables wherever they appear', () => {
    const env = { MY_SERVICE_PASSWORD: 'plain-words-as-a-password', HOME: '/home/someone' };
    const out = createRedactor(env).redact('logged in with plain-words-as-a-password from /home/someone');
    expect(out).toBe('logged in with [redacted:MY_SERVICE_PASSWORD] from /home/someone');
  });

  it('gets through long hostile text (every pattern is linear)', () => {
    const hostile = [
      'a='.repeat(20_000),
      `"k": "${'x'.repeat(30_000)}`,
      'eyJ'.repeat(15_000),
      `postgres://${'u'.repeat(20_000)}:`,
      `-----BEGIN PRIVATE KEY-----${'A'.repeat(40_000)}`,
      'A/'.repeat(25_000),
    ].join('\n');
    expect(redactor.redact(hostile).length).toBeGreaterThan(0);
  });
});
