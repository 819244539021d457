import { parse } from 'smol-toml';
import { describe, expect, it } from 'vitest';
import { locateKeys } from '../../../src/core/config/locate.js';

const DOCUMENT = [
  '# octo settings', //                                   1
  'model = "openai:gpt-4o" # trailing comment', //        2
  'prompt = """', //                                      3
  'not_a_key = "inside a string"', //                     4
  '[not.a.table]', //                                     5
  '"""', //                                               6
  "raw = '''", //                                         7
  'also_not = 1', //                                      8
  "'''", //                                               9
  '', //                                                  10
  '[providers.local]', //                                 11
  'base_url = "http://127.0.0.1/v1"', //                  12
  'pricing."gpt-4.1" = { input = 1, output = { x = 2 } }', // 13
  "'lit.key' = true", //                                  14
  '"esc\\u0041ped" = 1', //                                15
  'list = [', //                                          16
  '  1,', //                                              17
  '  { name = "two" },', //                               18
  ']', //                                                 19
  '', //                                                  20
  '[[agents]]', //                                        21
  'name = "first"', //                                    22
  '[[agents.steps]]', //                                  23
  'run = "a"', //                                         24
  '[[agents]]', //                                        25
  'name = "second"', //                                   26
  '[agents.options]', //                                  27
  'depth = 2', //                                         28
  '[[agents.steps]]', //                                  29
  'run = "b"', //                                         30
].join('\n');

describe('locateKeys', () => {
  const keys = locateKeys(DOCUMENT);

  it('is tested on a document smol-toml accepts', () => {
    expect(() => parse(DOCUMENT)).not.toThrow();
  });

  it.each([
    [['model'], 2],
    [['prompt'], 3],
    [['raw'], 7],
    [['providers'], 11],
    [['providers', 'local'], 11],
    [['providers', 'local', 'base_url'], 12],
    [['providers', 'local', 'pricing', 'gpt-4.1'], 13],
    [['providers', 'local', 'pricing', 'gpt-4.1', 'output', 'x'], 13],
    [['providers', 'local', 'lit.key'], 14],
    [['providers', 'local', 'escAped'], 15],
    [['providers', 'local', 'list'], 16],
    [['providers', 'local', 'list', 0], 17],
    [['providers', 'local', 'list', 1, 'name'], 18],
    [['agents', 0], 21],
    [['agents', 0, 'name'], 22],
    [['agents', 0, 'steps', 0, 'run'], 24],
    [['agents', 1], 25],
    [['agents', 1, 'name'], 26],
    [['agents', 1, 'options', 'depth'], 28],
    [['agents', 1, 'steps', 0], 29],
    [['agents', 1, 'steps', 0, 'run'], 30],
  ])('finds %j on line %i', (path, line) => {
    expect(keys.lineOf(path)).toBe(line);
  });

  it('does not mistake text inside multi-line strings for keys or tables', () => {
    expect(keys.lineOf(['not_a_key'])).toBeNull();
    expect(keys.lineOf(['also_not'])).toBeNull();
    expect(keys.lineOf(['not', 'a', 'table'])).toBeNull();
  });

  it('falls back to the nearest written ancestor for a key that is not in the text', () => {
    expect(keys.lineOf(['providers', 'local', 'headers', 'X-Key'])).toBe(11);
    expect(keys.lineOf(['agents', 1, 'options', 'missing'])).toBe(27);
  });

  it('counts lines of CRLF files like LF files', () => {
    expect(locateKeys('a = 1\r\n[t]\r\nb = 2\r\n').lineOf(['t', 'b'])).toBe(3);
  });
});
