import { describe, expect, it } from 'vitest';
import { encodeFrame } from '../../src/server/encode.js';
import { LineReader } from '../../src/server/line-reader.js';
import { parseClientFrame } from '../../src/server/protocol.js';
import { receiveText } from '../../src/server/receive.js';
import { ReplayBuffer } from '../../src/server/replay.js';

/** The message of a refused frame. */
function refusal(text: string): string {
  const parsed = parseClientFrame(text);
  if (parsed.ok) throw new Error(`accepted: ${text}`);
  return parsed.message;
}

describe('client frames', () => {
  it('accepts the base frames and octo additions', () => {
    expect(parseClientFrame('{"type":"session","session_id":"a","caps":["delta"],"since_seq":3}')).toEqual({
      ok: true,
      frame: { type: 'session', session_id: 'a', caps: ['delta'], since_seq: 3 },
    });
    expect(parseClientFrame('{"type":"command","session_id":"a","command":"info","args":[]}')).toMatchObject({
      ok: true,
    });
    expect(parseClientFrame('{"type":"list"}')).toEqual({ ok: true, frame: { type: 'list' } });
  });

  it('reads the usual words for an approval decision', () => {
    const decision = (word: string): unknown => {
      const parsed = parseClientFrame(
        JSON.stringify({ type: 'approval', session_id: 'a', approval_id: 'x', decision: word }),
      );
      return parsed.ok && parsed.frame.type === 'approval' ? parsed.frame.decision : parsed;
    };
    expect(['once', 'allow', 'Approve', 'yes'].map(decision)).toEqual(['once', 'once', 'once', 'once']);
    expect(decision('always')).toBe('always');
    expect(['deny', 'no', 'reject'].map(decision)).toEqual(['deny', 'deny', 'deny']);
    expect(decision('maybe')).toMatchObject({ ok: false });
    expect(
      refusal(JSON.stringify({ type: 'approval', session_id: 'a', approval_id: 'x', decision: 'maybe' })),
    ).toMatch(/decision/);
  });

  it('says what is wrong with a frame, echoing its request_id', () => {
    expect(refusal('nope')).toMatch(/^Invalid JSON/);
    expect(refusal('null')).toMatch(/one JSON object/);
    expect(parseClientFrame('{"request_id":"r"}')).toEqual({
      ok: false,
      message: 'A frame needs a "type" (a string).',
      code: 'invalid_frame',
      requestId: 'r',
    });
    expect(parseClientFrame('{"type":"launch"}')).toMatchObject({ ok: false, code: 'unknown_type' });
    expect(parseClientFrame('{"type":')).toMatchObject({ ok: false, code: 'invalid_json' });
    expect(refusal('{"type":"auth","token":"x"}')).toMatch(/Unknown frame type "auth"/);
    const empty = parseClientFrame('{"type":"message","session_id":"a","content":"","request_id":"m"}');
    expect(empty).toMatchObject({ ok: false, requestId: 'm' });
    expect(refusal('{"type":"message","session_id":"a","content":""}')).toMatch(
      /^Invalid message frame: content/,
    );
    expect(refusal('{"type":"command","session_id":"a","command":"info now"}')).toMatch(/command/);
  });
});

describe('frames not read', () => {
  it('refuses a frame over the limit unread, and bytes that are not UTF-8', () => {
    expect(receiveText(Buffer.from('{"type":"list"}'), 100)).toEqual({ ok: true, text: '{"type":"list"}' });
    expect(receiveText(Buffer.alloc(101, 0x20), 100)).toMatchObject({ ok: false, code: 'frame_too_large' });
    expect(receiveText(Buffer.from([0x7b, 0xc3, 0x28, 0x7d]), 100)).toMatchObject({
      ok: false,
      code: 'invalid_utf8',
    });
    // An overlong encoding of '/' and a lone surrogate are not UTF-8 either.
    expect(receiveText(Buffer.from([0xc0, 0xaf]), 100)).toMatchObject({ ok: false });
    expect(receiveText(Buffer.from([0xed, 0xa0, 0x80]), 100)).toMatchObject({ ok: false });
  });
});

describe('frame encoding', () => {
  it('escapes C1 controls, DEL and bidi overrides that JSON.stringify leaves raw', () => {
    const json = encodeFrame({ text: 'a\u009b31mb\u202ec\u007f\u2028' });
    expect(json).toBe('{"text":"a\\u009b31mb\\u202ec\\u007f\\u2028"}');
    expect(JSON.parse(json)).toEqual({ text: 'a\u009b31mb\u202ec\u007f\u2028' });
  });
});

describe('LineReader', () => {
  it('splits lines across chunks and skips an over-long line, reporting its size', () => {
    const reader = new LineReader(10);
    expect(reader.push(Buffer.from('{"a":1}\n{"b"'))).toEqual([{ ok: true, data: Buffer.from('{"a":1}') }]);
    expect(reader.push(Buffer.from(':2}\n' + 'x'.repeat(25)))).toEqual([
      { ok: true, data: Buffer.from('{"b":2}') },
    ]);
    expect(reader.push(Buffer.from('yy\nok\n'))).toEqual([
      { ok: false, bytes: 27 },
      { ok: true, data: Buffer.from('ok') },
    ]);
  });
});

describe('ReplayBuffer', () => {
  it('keeps the latest frames and says when older ones were dropped', () => {
    const buffer = new ReplayBuffer();
    const mib = 'z'.repeat(1024 * 1024);
    for (let seq = 1; seq <= 6; seq += 1) buffer.push({ seq, json: mib, cap: null });
    expect(buffer.size()).toBe(4 * 1024 * 1024);
    expect(buffer.since(5)).toEqual({ entries: [{ seq: 6, json: mib, cap: null }], complete: true });
    expect(buffer.since(2).entries.map((e) => e.seq)).toEqual([3, 4, 5, 6]);
    expect(buffer.since(2).complete).toBe(true);
    expect(buffer.since(1)).toMatchObject({ complete: false });
    expect(buffer.since(6)).toEqual({ entries: [], complete: true });
  });
});
