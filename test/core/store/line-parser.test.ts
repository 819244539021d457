import { describe, expect, it } from 'vitest';
import { containing } from './helpers.js';
import { parseNedbFile, serializeLine, type DocCheck } from '../../../src/core/store/line-parser.js';

const anyDoc: DocCheck = (doc) => doc;
const needsSeq: DocCheck = (doc) => (typeof doc.seq === 'number' ? doc : 'no seq');

function parse(text: string | Buffer, check: DocCheck = anyDoc): ReturnType<typeof parseNedbFile> {
  return parseNedbFile(typeof text === 'string' ? Buffer.from(text) : text, check);
}

describe('parseNedbFile', () => {
  it('applies NeDB semantics: later lines replace, $$deleted removes, index lines and blank lines are skipped', () => {
    const parsed = parse(
      [
        '{"_id":"a","seq":1,"v":"old"}',
        '{"$$indexCreated":{"fieldName":"seq","unique":false}}',
        '{"_id":"b","seq":2}',
        '',
        '{"_id":"a","seq":1,"v":"new"}',
        '{"$$deleted":true,"_id":"b"}',
        '{"_id":"c","seq":3}',
        '',
      ].join('\n'),
    );
    expect(parsed).toEqual({
      docs: [
        { _id: 'a', seq: 1, v: 'new' },
        { _id: 'c', seq: 3 },
      ],
      // The old `a`, `b` and the line deleting `b`: what a compaction folds away.
      superseded: 3,
      torn: null,
      corrupt: null,
      needsRewrite: false,
    });
  });

  it('reports an unparsable last line as a torn tail with its byte offset', () => {
    const good = '{"_id":"a","seq":1}\n{"_id":"b","seq":2,"content":"héllo"}\n';
    const tail = '{"_id":"c","seq":3,"cont';
    const parsed = parse(good + tail);
    expect(parsed.docs.map((d) => d._id)).toEqual(['a', 'b']);
    expect(parsed.corrupt).toBeNull();
    expect(parsed.torn).toMatchObject({ line: 3, offset: Buffer.byteLength(good), bytes: tail.length });
  });

  it('treats a complete last line without a newline as good', () => {
    const parsed = parse('{"_id":"a","seq":1}\n{"_id":"b","seq":2}');
    expect(parsed.docs).toHaveLength(2);
    expect(parsed.torn).toBeNull();
  });

  it('reports damage in the middle with its line number, even when the tail is torn too', () => {
    const parsed = parse('{"_id":"a","seq":1}\nnot json\n{"_id":"b","seq":2}\n{"_id":"c"');
    expect(parsed.corrupt).toMatchObject({ line: 2, reason: containing('not valid JSON') });
    expect(parsed.torn).toMatchObject({ line: 4 });
  });

  it('reports invalid UTF-8 bytes in the middle as damage', () => {
    const data = Buffer.concat([
      Buffer.from('{"_id":"a","seq":1}\n{"_id":"b","seq":2,"x":"'),
      Buffer.from([0xff, 0xfe, 0x00]),
      Buffer.from('"}\n{"_id":"c","seq":3}\n'),
    ]);
    expect(parse(data).corrupt).toMatchObject({ line: 2, reason: containing('UTF-8') });
  });

  it('treats a well-formed last line that fails the check as damage, not a torn write', () => {
    const parsed = parse('{"_id":"a","seq":1}\n{"_id":"b"}\n', needsSeq);
    expect(parsed.corrupt).toEqual({ line: 2, reason: 'no seq' });
    expect(parsed.torn).toBeNull();
  });

  it('refuses documents NeDB would silently drop: no _id, empty _id, not an object', () => {
    expect(parse('{"seq":1}\n{"_id":"a"}\n').corrupt).toEqual({ line: 1, reason: 'no _id' });
    expect(parse('{"_id":"","seq":1}\n{"_id":"a"}\n').corrupt).toEqual({ line: 1, reason: 'no _id' });
    expect(parse('[1]\n{"_id":"a"}\n').corrupt).toMatchObject({ line: 1, reason: 'not a JSON object' });
  });

  it('flags raw line separators that NeDB would split a line on', () => {
    expect(parse('{"_id":"a","t":"x\u2028y"}\n').needsRewrite).toBe(true);
    expect(parse('{"_id":"a","t":"x\u0085y"}\n').needsRewrite).toBe(true);
    expect(parse('{"_id":"a","t":"x"}\r\n').needsRewrite).toBe(false);
  });
});

describe('serializeLine', () => {
  it('escapes U+0085, U+2028 and U+2029 so the line survives NeDB and parses back unchanged', () => {
    const doc = { _id: 'a', text: 'one\u2028two\u2029three\u0085four\nfive' };
    const line = serializeLine(doc);
    expect(line).not.toMatch(/[\n\r\u0085\u2028\u2029]/);
    expect(JSON.parse(line)).toEqual(doc);
  });
});
