import { describe, expect, it } from 'vitest';
import { formatCost, formatCount, relativeAge, table } from '../../src/cli/format/values.js';

describe('formatCost', () => {
  it('shows an unknown price as ?, never as $0', () => {
    expect(formatCost(null, true)).toBe('?');
    expect(formatCost(0.0123, true)).toBe('$0.0123+?');
  });

  it('shows a session without requests as -, and known costs in dollars', () => {
    expect(formatCost(null, false)).toBe('-');
    expect(formatCost(0.00042)).toBe('$0.0004');
    expect(formatCost(12.345)).toBe('$12.35');
    expect(formatCost(0.000004)).toBe('<$0.0001');
  });
});

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

  it('abbreviates large counts', () => {
    expect([formatCount(999), formatCount(1234), formatCount(56_000), formatCount(2_500_000)]).toEqual([
      '999',
      '1.2k',
      '56k',
      '2.5M',
    ]);
  });
});
