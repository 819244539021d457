import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRedactor } from '../../../src/core/text/redact.js';
import { StreamRedactor, shownOfCut } from '../../../src/core/text/stream-redact.js';

interface Corpus {
  secrets: Array<{ format: string; text: string; secret: string }>;
}

const FIXTURES = path.join(import.meta.dirname, '../../fixtures/secrets');
const corpus = JSON.parse(await readFile(path.join(FIXTURES, 'corpus.json'), 'utf8')) as Corpus;
const redactor = createRedactor({});

/** The text streamed in the given pieces: what was shown after each, and all of it. */
function stream(pieces: readonly string[]): { shown: string[]; all: string } {
  const live = new StreamRedactor(redactor);
  const shown = pieces.map((piece) => live.push(piece));
  shown.push(live.end());
  return { shown, all: shown.join('') };
}

/** Every way of cutting `text` in two, and in pieces of 1 to 7 characters. */
function cuttings(text: string): string[][] {
  const ways: string[][] = [];
  for (let at = 1; at < text.length; at += 1) ways.push([text.slice(0, at), text.slice(at)]);
  for (let size = 1; size <= 7; size += 1) {
    const pieces: string[] = [];
    for (let at = 0; at < text.length; at += size) pieces.push(text.slice(at, at + size));
    ways.push(pieces);
  }
  return ways;
}

/** Stretches of the secret long enough to be worth something (a whole secret shown in parts). */
function fragments(secret: string): string[] {
  const size = Math.min(12, Math.ceil(secret.length / 2));
  const out: string[] = [];
  for (let at = 0; at + size <= secret.length; at += Math.max(1, Math.floor(size / 2)))
    out.push(secret.slice(at, at + size));
  return out;
}

describe('redacting a streamed reply', () => {
  it.each(corpus.secrets.map((s) => [s.format, s] as const))(
    'shows no part of %s however the stream is cut',
    (_format, { text, secret }) => {
      const line = `Here it is:\n${text}\nanything else?`;
      const whole = redactor.redact(line);
      // Only what the redactor of the whole text leaves (a key's name in a marker) may be shown.
      const leaks = fragments(secret).filter((f) => !whole.includes(f));
      for (const pieces of cuttings(line)) {
        const { all } = stream(pieces);
        for (const fragment of leaks) expect(all, JSON.stringify(pieces)).not.toContain(fragment);
        expect(all).toContain('[redacted:');
      }
    },
  );

  it('shows a whole .env file streamed a few characters at a time with none of its secrets', async () => {
    const env = await readFile(path.join(FIXTURES, 'app.env'), 'utf8');
    const secrets = corpus.secrets.map((s) => s.secret).filter((s) => env.includes(s));
    for (const size of [1, 3, 5, 16, 64]) {
      const pieces: string[] = [];
      for (let at = 0; at < env.length; at += size) pieces.push(env.slice(at, at + size));
      const { all } = stream(pieces);
      for (const secret of secrets) expect(all, `${size}: ${secret}`).not.toContain(secret);
      expect(all).toContain('NODE_ENV=production\nPORT=8080\n');
    }
  });

  it('shows prose as it comes, holding back only a word not finished yet', () => {
    const words = 'The build failed because the test expected three lines and got two.'.split(/(?<= )/);
    const { shown, all } = stream(words);
    expect(all).toBe(words.join(''));
    // Each word ending in a space is shown at once; the last, which could go on, at the end.
    expect(shown.slice(0, -2)).toEqual(words.slice(0, -1));
    expect(shown.slice(-2)).toEqual(['', 'two.']);
  });

  it('holds a private key block until its END line, then shows it redacted', () => {
    const key = `-----BEGIN OPENSSH PRIVATE KEY-----\n${'b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ\n'.repeat(8)}-----END OPENSSH PRIVATE KEY-----\n`;
    const { shown, all } = stream(['Your key:\n', ...key.split(/(?<=\n)/), 'Keep it safe.\n']);
    expect(all).not.toContain('b3BlbnNz');
    expect(all).toContain('[redacted:private-key]');
    expect(shown.filter((s) => s.includes('[redacted:private-key]'))).toHaveLength(1);
  });

  it('keeps a quoted value with spaces whole before redacting it', () => {
    const { all } = stream(['export DB_', 'PASSWORD="correct horse ', 'battery staple"', '\nnext']);
    expect(all).toBe('export DB_PASSWORD="[redacted:secret]"\nnext');
  });

  it('holds a Bearer token split from its scheme', () => {
    const { all } = stream(['curl -H "Authorization: Bearer', ' 0123456789abcdef', 'ghijklmn" https://x\n']);
    expect(all).not.toContain('0123456789abcdef');
    expect(all).toContain('Bearer [redacted:token]');
  });

  it('drops what was held when the stream starts again', () => {
    const live = new StreamRedactor(redactor);
    expect(live.push('first attempt sk-proj-')).toBe('first attempt ');
    live.reset();
    expect(live.push('second')).toBe('');
    expect(live.end()).toBe('second');
  });

  it('keeps the work per chunk bounded on a long stream without spaces or newlines', () => {
    const live = new StreamRedactor(redactor);
    let out = '';
    for (let i = 0; i < 20_000; i += 1) out += live.push('A/b+'.repeat(5));
    out += live.end();
    expect(out.length).toBeGreaterThan(0);
  });

  it('keeps of a stream cut off only what it had shown', () => {
    expect(shownOfCut('Your key sk-proj-T3Blbk')).toBe('Your key ');
    expect(shownOfCut('Partial ')).toBe('Partial ');
    // A plain last word cannot be the start of a secret worth hiding: a reply cut after it keeps it.
    expect(shownOfCut('The first half arrived before')).toBe('The first half arrived before');
    expect(shownOfCut('Half a rep.')).toBe('Half a rep.');
    expect(shownOfCut('Your key AKIA1OSF')).toBe('Your key ');
    expect(shownOfCut('token ghp_abc')).toBe('token ');
    expect(shownOfCut('ok\nexport DB_PASSWORD="correct horse')).toBe('ok\nexport ');
  });
});
