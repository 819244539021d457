import { describe, expect, it } from 'vitest';
import { StreamSanitizer } from '../../src/cli/format/stream-sanitizer.js';

function streamed(chunks: readonly string[]): string {
  const sanitizer = new StreamSanitizer();
  return chunks.map((c) => sanitizer.push(c)).join('') + sanitizer.flush();
}

describe('StreamSanitizer', () => {
  it('removes a CSI sequence split across chunks without leaving debris', () => {
    expect(streamed(['red: \u001b', '[31', 'mRED\u001b[0m done'])).toBe('red: RED done');
  });

  it('removes an OSC title split across chunks', () => {
    expect(streamed(['a\u001b]0;pw', 'ned\u0007b'])).toBe('ab');
  });

  it('releases text after a complete sequence at once', () => {
    const sanitizer = new StreamSanitizer();
    expect(sanitizer.push('x\u001b[1mbold')).toBe('xbold');
  });

  it('keeps a CRLF split across chunks as one newline and drops a bare CR', () => {
    expect(streamed(['line\r', '\nnext\rover'])).toBe('line\nnextover');
  });

  it('never lets an ESC or C1 byte through, whatever the chunking', () => {
    const hostile = 'ok \u001b[2J\u001b]52;c;ZWNobyBoaQ==\u0007 \u009b31m \u001bP1;2q\u001b\\ end\u001b';
    for (let size = 1; size <= 7; size += 1) {
      const chunks = hostile.match(new RegExp(`[\\s\\S]{1,${size}}`, 'g')) ?? [];
      const out = streamed(chunks);
      expect(out.includes('\u001b') || out.includes('\u009b')).toBe(false);
      expect(out).toBe('ok    end');
    }
  });
});
