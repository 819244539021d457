import { describe, expect, it } from 'vitest';
import { relativeAge, table } from '../../src/cli/format/values.js';

describe('relativeAge', () => {
  const now = Date.parse('2025-03-10T12:00:00Z');

  it('reads as minutes, hours, days, then the date', () => {
    expect(relativeAge('2025-03-10T11:59:30Z', now)).toBe('just now');
    expect(relativeAge('2025-03-10T11:15:00Z', now)).toBe('45m ago');
    expect(relativeAge('2025-03-10T02:00:00Z', now)).toBe('10h ago');
    expect(relativeAge('2025-03-07T12:00:00Z', now)).toBe('3d ago');
    expect(relativeAge('2024-12-01T00:00:00.000Z', now)).toBe('2024-12-01');
  });

  it('never shows a negative age when the clock went backwards (docs/faults.md row 26)', () => {
    expect(relativeAge('2025-03-10T13:00:00Z', now)).toBe('just now');
  });
});

describe('table', () => {
  it('aligns text left and numbers right', () => {
    expect(
      table(
        ['NAME', 'N'],
        [
          ['a', '5'],
          ['longer', '120'],
        ],
        new Set([1]),
      ),
    ).toEqual(['NAME      N', 'a         5', 'longer  120']);
  });
});
