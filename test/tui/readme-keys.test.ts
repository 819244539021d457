import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { KEYS_END, KEYS_START, withKeys } from '../../scripts/keys-md.js';
import { keysMarkdown } from '../../src/tui/keymap.js';

const readme = readFileSync(path.resolve(import.meta.dirname, '..', '..', 'README.md'), 'utf8');

describe("the README's key list", () => {
  it('is the one generated from the keymap table (npx tsx scripts/keys-md.ts --write)', () => {
    const block = readme.slice(readme.indexOf(KEYS_START) + KEYS_START.length, readme.indexOf(KEYS_END));
    expect(block.trim()).toBe(keysMarkdown());
    expect(withKeys(readme)).toBe(readme);
  });
});
