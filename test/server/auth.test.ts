import { describe, expect, it } from 'vitest';
import {
  checkHandshake,
  isLoopback,
  normalizeOrigin,
  offeredTokens,
  parseHostHeader,
  tokensEqual,
  type HandshakePolicy,
} from '../../src/server/auth.js';

const policy: HandshakePolicy = {
  token: 'the-token-0123456789abcdef',
  origins: new Set(['http://localhost:5173']),
  hosts: new Set(['127.0.0.1']),
  port: 8080,
};
const good = { host: '127.0.0.1:8080', authorization: 'Bearer the-token-0123456789abcdef' };

describe('the handshake checks', () => {
  it('lets a native client with the token in', () => {
    expect(checkHandshake(good, policy)).toEqual({ ok: true });
    expect(checkHandshake({ ...good, host: 'localhost:8080' }, policy)).toEqual({ ok: true });
    expect(checkHandshake({ ...good, host: '[::1]:8080' }, policy)).toEqual({ ok: true });
    expect(checkHandshake({ ...good, authorization: 'bearer   the-token-0123456789abcdef' }, policy)).toEqual(
      {
        ok: true,
      },
    );
  });

  it('refuses a missing or wrong token with 401', () => {
    expect(checkHandshake({ host: good.host }, policy)).toMatchObject({
      ok: false,
      status: 401,
      reason: 'no token',
    });
    for (const authorization of [
      'Bearer wrong',
      'Bearer the-token-0123456789abcde',
      'Basic dXNlcjpwYXNz',
      'the-token-0123456789abcdef',
    ]) {
      expect(checkHandshake({ ...good, authorization }, policy)).toMatchObject({ ok: false, status: 401 });
    }
  });

  it('takes the token from the octo.auth.* subprotocol a browser offers', () => {
    const headers = {
      host: good.host,
      'sec-websocket-protocol': 'octo.v1, octo.auth.the-token-0123456789abcdef',
    };
    expect(checkHandshake(headers, policy)).toEqual({ ok: true });
    expect(offeredTokens(headers)).toEqual(['the-token-0123456789abcdef']);
  });

  it('refuses an Origin that is not allowed with 403, before looking at the token', () => {
    for (const origin of [
      'https://evil.example',
      'null',
      'http://localhost:5174',
      'http://localhost',
      'file://',
      'http://127.0.0.1:8080',
    ]) {
      expect(checkHandshake({ host: good.host, origin }, policy)).toMatchObject({ ok: false, status: 403 });
    }
    expect(checkHandshake({ ...good, origin: 'http://LOCALHOST:5173' }, policy)).toEqual({ ok: true });
  });

  it('refuses a Host that is not this server (DNS rebinding) with 403', () => {
    for (const host of [
      'evil.example:8080',
      'localhost:8081',
      'localhost',
      '127.0.0.1.nip.io:8080',
      '',
      'a b',
      'localhost.:8080',
    ]) {
      expect(checkHandshake({ ...good, host }, policy), host).toMatchObject({ ok: false, status: 403 });
    }
    expect(checkHandshake({ authorization: good.authorization }, policy)).toMatchObject({
      ok: false,
      status: 403,
    });
  });

  it('compares tokens of any length without throwing', () => {
    expect(tokensEqual('a', 'a')).toBe(true);
    expect(tokensEqual('a', 'ab')).toBe(false);
    expect(tokensEqual('', 'x'.repeat(10_000))).toBe(false);
  });

  it('knows loopback names and normalises origins', () => {
    expect(
      ['127.0.0.1', '127.8.9.10', '::1', '[::1]', 'localhost', 'LOCALHOST', '::ffff:127.0.0.1'].every(
        isLoopback,
      ),
    ).toBe(true);
    expect(['0.0.0.0', '10.0.0.1', 'localhost.evil.example', '128.0.0.1', '::'].some(isLoopback)).toBe(false);
    expect(normalizeOrigin('https://App.Example:443/path')).toBe('https://app.example');
    expect(normalizeOrigin('chrome-extension://ABCDEF')).toBe('chrome-extension://abcdef');
    expect(normalizeOrigin('null')).toBeNull();
    expect(normalizeOrigin('*')).toBeNull();
    expect(parseHostHeader('[::1]:80')).toEqual({ name: '::1', port: 80 });
    expect(parseHostHeader('Example.com')).toEqual({ name: 'example.com', port: null });
  });
});
