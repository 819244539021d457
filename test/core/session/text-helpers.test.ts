import { describe, expect, it } from 'vitest';
import { closest, editDistance } from '../../../src/core/text/distance.js';
import { capText, decodeContent } from '../../../src/core/text/decode.js';
import { createRedactor } from '../../../src/core/text/redact.js';

describe('createRedactor (docs/faults.md row 28)', () => {
  const key = 'sk-test-REALLYSECRET-0123456789abcdef';
  const redactor = createRedactor({
    OPENAI_API_KEY: key,
    MY_TOKEN: 'tok_abcdefgh12345',
    HOME: '/home/u',
    SHORT_KEY: 'abc',
  });

  it('replaces values of secret-looking environment variables', () => {
    expect(redactor.redact(`OPENAI_API_KEY=${key}\nT=tok_abcdefgh12345`)).toBe(
      'OPENAI_API_KEY=[redacted:OPENAI_API_KEY]\nT=[redacted:MY_TOKEN]',
    );
  });

  it('replaces well-known key formats even when not in the environment', () => {
    const text =
      'a=sk-proj-abcdefghijklmnopqrstuvwxyz012345 b=ghp_abcdefghijklmnopqrstuvwxyz0123456789 c=AKIAABCDEFGHIJKLMNOP';
    expect(redactor.redact(text)).toBe('a=[redacted:api-key] b=[redacted:github-token] c=[redacted:aws-key]');
  });

  it('leaves ordinary text and short values alone', () => {
    expect(redactor.redact('HOME is /home/u and abc is fine')).toBe('HOME is /home/u and abc is fine');
  });
});

describe('text helpers', () => {
  it('caps text at both ends (errors come last) and states what was left out', () => {
    expect(capText('head-middle-ERROR', 10)).toBe(
      'head\n[… 7 characters omitted from the middle of 17; the first 4 and the last 6 are kept …]\n-ERROR',
    );
    expect(capText('abc', 4)).toBe('abc');
  });

  it('never cuts a surrogate pair in half', () => {
    const capped = capText(`a😀${'x'.repeat(20)}😀b`, 6);
    expect(capped).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
  });

  it('treats mostly undecodable bytes as binary', () => {
    expect(decodeContent(Buffer.from([0xff, 0xfe, 0xfd, 0xfc]))).toEqual({ binary: true, bytes: 4 });
  });

  it('measures edit distance case-insensitively, short and long names alike', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('Auth', 'aUTH')).toBe(0);
    expect(editDistance('', 'abc')).toBe(3);
    // Past 32 characters the library takes its other algorithm: the answer must not change.
    const long = 'a-rather-long-session-name-about-refactoring';
    expect(editDistance(long, `${long.slice(0, 20)}X${long.slice(21)}Y`)).toBe(2);
  });

  it('suggests the closest names first', () => {
    expect(closest('auth', ['auth-refactor', 'bugfix', 'oauth', 'zzz-unrelated-name'], 3)).toEqual([
      'auth-refactor',
      'oauth',
    ]);
    expect(closest('nope', ['note', 'auth-refactor'], 3)).toEqual(['note']);
  });
});
