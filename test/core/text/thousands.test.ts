import { describe, expect, it } from 'vitest';
import { withThousands } from '../../../src/core/text/index.js';

describe('withThousands', () => {
  it('groups digits as en-US does, without ICU', () => {
    for (const n of [0, 7, 999, 1000, 12_345, 1_234_567, -1234, -999, 41.5, 999.6])
      expect(withThousands(n)).toBe(Math.round(n).toLocaleString('en-US'));
  });
});
