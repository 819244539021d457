/* eslint-disable no-control-regex -- matching control characters is this file's purpose */
import { describe, expect, it, vi } from 'vitest';
import { parseJson, toJsonText } from '../../../src/core/text/json-text.js';

const TERMINAL_ACTIVE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\u2028\u2029]/;

describe('toJsonText', () => {
  it('writes no control, C1 or bidi character raw, and parses back to the same value', () => {
    const every = Array.from({ length: 0x3000 }, (_, code) => String.fromCharCode(code)).join('');
    const value = { text: every, [`key\u009b\u202e`]: ['\u001b[2J', '\u0085'] };
    const text = toJsonText(value, 2);
    // The only raw control characters are the newlines of the indentation.
    expect(text.replace(/\n/g, '')).not.toMatch(TERMINAL_ACTIVE);
    expect(JSON.parse(text)).toEqual(value);
    expect(toJsonText('\u009b')).toBe('"\\u009b"');
    expect(toJsonText('\u202e')).toBe('"\\u202e"');
  });
});

describe('parseJson', () => {
  it('gives the value of any JSON text, null included, and undefined for what is not JSON', () => {
    for (const text of ['null', '0', '"x"', '[1,{"a":null}]', ' {"b": false} ', 'true'])
      expect(parseJson(text)).toEqual(JSON.parse(text));
    expect(parseJson('null')).toBeNull();
    for (const text of ['', '{"path": "src/a.ts"', 'undefined', "{'a': 1}", '{"a":1}}', 'NaN', '\u0000'])
      expect(parseJson(text)).toBeUndefined();
  });

  it('lets an error that is not about the text through', () => {
    const parse = vi.spyOn(JSON, 'parse').mockImplementation(() => {
      throw new RangeError('Maximum call stack size exceeded');
    });
    try {
      expect(() => parseJson('[]')).toThrow(RangeError);
    } finally {
      parse.mockRestore();
    }
  });
});
