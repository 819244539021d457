/**
 * Who may open a connection: a request from the right host (no DNS rebinding), from no browser page or
 * an allowed one (Origin), with the token. A loopback address is not a security boundary: any page the
 * user visits can reach 127.0.0.1 (CVE-2025-49596, CVE-2025-52882), so all three are checked every time.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { isIP } from 'node:net';

/** The subprotocol prefix that carries the token for browsers, which cannot set headers. */
export const AUTH_SUBPROTOCOL_PREFIX = 'octo.auth.';
/** The subprotocol the server answers with, so the token is not echoed back in the response. */
export const SUBPROTOCOL = 'octo.v1';
/** Shorter tokens are accepted from $OCTO_SERVER_TOKEN, with a warning. */
export const MIN_TOKEN_LENGTH = 24;

/** 256 random bits, base64url: valid in a header and in a subprotocol name. */
export function generateToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Constant time whatever the lengths: both sides are hashed to the same size first. */
export function tokensEqual(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/** Every token a handshake offers: the Bearer header and octo.auth.* subprotocols. */
export function offeredTokens(headers: IncomingHttpHeaders): string[] {
  const tokens: string[] = [];
  const authorization = headers.authorization;
  const bearer = authorization === undefined ? null : /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization);
  if (bearer?.[1] !== undefined) tokens.push(bearer[1]);
  for (const protocol of subprotocols(headers)) {
    if (protocol.startsWith(AUTH_SUBPROTOCOL_PREFIX))
      tokens.push(protocol.slice(AUTH_SUBPROTOCOL_PREFIX.length));
  }
  return tokens;
}

export function subprotocols(headers: IncomingHttpHeaders): string[] {
  const header = headers['sec-websocket-protocol'];
  if (header === undefined) return [];
  return header
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');
}

/**
 * `http://LOCALHOST:80/x` → `http://localhost`; `chrome-extension://ID` stays as it is (lower case). Null
 * for what names no origin a server could allow: "null" (sandboxed frames, files), a wildcard, a path.
 */
export function normalizeOrigin(text: string): string | null {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    // Not a URL: no origin.
    return null;
  }
  if (url.protocol === 'http:' || url.protocol === 'https:') return url.origin;
  return url.host === '' || url.host.includes('*') ? null : `${url.protocol}//${url.host}`.toLowerCase();
}

/** 127.0.0.0/8, ::1, localhost: the names a local client uses. */
export function isLoopback(host: string): boolean {
  const name = host.toLowerCase().replace(/^\[|\]$/g, '');
  if (name === 'localhost' || name === '::1' || name === '0:0:0:0:0:0:0:1') return true;
  if (name.startsWith('::ffff:')) return isLoopback(name.slice('::ffff:'.length));
  return isIP(name) === 4 && name.startsWith('127.');
}

/** `[::1]:8080` → { name: '::1', port: 8080 }; null when it is not a host[:port]. */
export function parseHostHeader(header: string): { name: string; port: number | null } | null {
  const match = /^(\[[0-9a-fA-F:.]+\]|[^:[\]]+)(?::(\d{1,5}))?$/.exec(header.trim());
  if (match === null || match[1] === undefined) return null;
  const name = match[1].replace(/^\[|\]$/g, '').toLowerCase();
  return { name, port: match[2] === undefined ? null : Number(match[2]) };
}

export interface HandshakePolicy {
  token: string;
  /** Normalised origins (`--allow-origin`). */
  origins: ReadonlySet<string>;
  /** Host names (lower case, IPv6 without brackets) a request may name besides the loopback ones. */
  hosts: ReadonlySet<string>;
  /** The port the server listens on: a Host naming another port is someone else's page. */
  port: number;
}

export type Verdict = { ok: true } | { ok: false; status: 401 | 403; reason: string };

/** Host and Origin first (where the request comes from), then the token (who sends it). */
export function checkHandshake(headers: IncomingHttpHeaders, policy: HandshakePolicy): Verdict {
  const host = headers.host === undefined ? null : parseHostHeader(headers.host);
  if (host === null) return { ok: false, status: 403, reason: 'no valid Host header' };
  const knownName = isLoopback(host.name) || policy.hosts.has(host.name);
  if (!knownName || (host.port ?? 80) !== policy.port) {
    return { ok: false, status: 403, reason: `Host ${JSON.stringify(headers.host)} is not this server` };
  }
  const origin = headers.origin;
  if (origin !== undefined) {
    const normal = normalizeOrigin(origin);
    if (normal === null || !policy.origins.has(normal)) {
      return { ok: false, status: 403, reason: `Origin ${JSON.stringify(origin)} is not allowed` };
    }
  }
  const tokens = offeredTokens(headers);
  if (tokens.length === 0) return { ok: false, status: 401, reason: 'no token' };
  // Every offered token is compared, so the time taken says nothing about which one was close.
  const matched = tokens.map((token) => tokensEqual(token, policy.token)).includes(true);
  return matched ? { ok: true } : { ok: false, status: 401, reason: 'wrong token' };
}
