/* eslint-disable no-control-regex -- matching control characters is this file's purpose */
import { describe, expect, it } from 'vitest';
import { isTerminalSafe, sanitizeLine, sanitizeText } from '../../../src/core/text/sanitize.js';

const HOSTILE = [
  ['CSI colour and cursor moves', 'a\u001b[31mred\u001b[0m\u001b[2J\u001b[10;10Hb', 'aredb'],
  ['OSC 0/2 title with BEL', 'x\u001b]0;pwned\u0007y\u001b]2;t\u001b\\z', 'xyz'],
  ['OSC 8 hyperlink', '\u001b]8;;http://evil\u001b\\link\u001b]8;;\u001b\\', 'link'],
  ['OSC 52 clipboard write', 'ok\u001b]52;c;cm0gLXJmIC8=\u0007', 'ok'],
  ['DCS string', 'a\u001bPq#0;2;0;0;0\u001b\\b', 'ab'],
  ['bare CR overwrite', 'safe\rEVIL', 'safeEVIL'],
  ['C1 CSI byte', 'a\u009b31mb', 'ab'],
  ['C1 OSC string', 'a\u009d0;title\u009cb', 'ab'],
  ['bidi override', 'admin\u202e\u2066txt.exe', 'admintxt.exe'],
  ['unterminated OSC', 'a\u001b]0;never ends', 'a'],
  ['lone ESC at the end', 'abc\u001b', 'abc'],
] as const;

describe('sanitizeText', () => {
  it.each(HOSTILE)('renders %s harmlessly', (_name, input, expected) => {
    const out = sanitizeText(input);
    expect(out).toBe(expected);
    expect(out).not.toMatch(/[\u001b\u009b]/);
    expect(isTerminalSafe(out)).toBe(true);
  });

  it('keeps newlines, tabs and unicode text', () => {
    expect(sanitizeText('line 1\n\tline 2 — ünïcødé 🐙\r\n')).toBe('line 1\n\tline 2 — ünïcødé 🐙\n');
  });

  it('flattens to one line for titles', () => {
    expect(sanitizeLine('a\nb\tc\u001b[1m')).toBe('a b c');
  });

  it('reports unsafe text', () => {
    expect(isTerminalSafe('a\u001b[0m')).toBe(false);
    expect(isTerminalSafe('plain')).toBe(true);
  });
});
