import { describe, expect, it } from 'vitest';
import { compactNumber, formatCost, formatTotalCost, withThousands } from '../../../src/core/text/index.js';

describe('formatCost', () => {
  it('shows a request whose price is unknown as ?, never as $0, and no request as -', () => {
    expect(formatCost(null)).toBe('?');
    expect(formatCost(null, { significant: true })).toBe('?');
    expect(formatCost(undefined)).toBe('-');
  });

  it('shows known costs in dollars, four decimals under a dollar, never a tiny one as $0', () => {
    expect([formatCost(0), formatCost(0.00042), formatCost(0.000004), formatCost(12.345)]).toEqual([
      '$0.0000',
      '$0.0004',
      '<$0.0001',
      '$12.35',
    ]);
  });

  it('shows significant digits for the panes: never <$0.01, never a column of zeros', () => {
    expect(
      [0.4249, 0.0013, 0.00126, 0.004, 0.06002, 0.001, 0.000042, 0, 0.995, 0.9999, 12.345].map((c) =>
        formatCost(c, { significant: true }),
      ),
    ).toEqual([
      '$0.42',
      '$0.0013',
      '$0.0013',
      '$0.004',
      '$0.06',
      '$0.001',
      '$0.000042',
      '$0.00',
      '$0.99',
      '$1.00',
      '$12.35',
    ]);
  });

  it('marks an amount that leaves unknown prices out as a lower bound', () => {
    expect(formatCost(0.0123, { incomplete: true })).toBe('$0.0123+?');
    expect(formatCost(0.0123, { incomplete: true, significant: true })).toBe('$0.012+?');
  });
});

describe('formatTotalCost', () => {
  it('tells a session without requests (-) from one whose prices are all unknown (?)', () => {
    expect(formatTotalCost(null, false)).toBe('-');
    expect(formatTotalCost(null, true)).toBe('?');
    expect(formatTotalCost(1.5, true, { significant: true })).toBe('$1.50+?');
    expect(formatTotalCost(0.25, false)).toBe('$0.2500');
  });
});

describe('compactNumber', () => {
  it('gives magnitude, not digits', () => {
    expect([999, 999.6, 1234, 9_960, 56_000, 999_600, 2_500_000, 12_300_000].map(compactNumber)).toEqual([
      '999',
      '1.0k',
      '1.2k',
      '10k',
      '56k',
      '1.0M',
      '2.5M',
      '12M',
    ]);
  });
});

describe('withThousands', () => {
  it('groups digits in threes', () => {
    expect([0, 999, 1000, 12_345_678].map(withThousands)).toEqual(['0', '999', '1,000', '12,345,678']);
  });
});
