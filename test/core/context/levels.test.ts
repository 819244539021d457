import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../../src/core/config/schema.js';
import { levelPassed, nextCompactionAt, pressureLevels } from '../../../src/core/context/levels.js';

const compression = defaultConfig().compression;

describe('pressure levels', () => {
  it('derives two levels from the usable window when none are configured', () => {
    expect(pressureLevels(compression, 128_000)).toEqual([
      { threshold: Math.floor((128_000 - 8192) * 0.6), targetRatio: 2 },
      { threshold: Math.floor((128_000 - 8192) * 0.85), targetRatio: 4 },
    ]);
  });

  it('lowers configured levels to the window minus the reply reserve, keeping the stronger ratio', () => {
    const config = {
      ...compression,
      reply_reserve: 4000,
      pressure_levels: [
        { threshold: 60_000, target_ratio: 2 },
        { threshold: 20_000, target_ratio: 1.5 },
        { threshold: 120_000, target_ratio: 4 },
        { threshold: 90_000, target_ratio: 3 },
      ],
    };
    expect(pressureLevels(config, 64_000)).toEqual([
      { threshold: 20_000, targetRatio: 1.5 },
      { threshold: 60_000, targetRatio: 4 },
    ]);
    expect(pressureLevels(config, null).map((l) => l.threshold)).toEqual([20_000, 60_000, 90_000, 120_000]);
  });

  it('has none when compression is off', () => {
    expect(pressureLevels({ ...compression, enabled: false }, 128_000)).toEqual([]);
    expect(nextCompactionAt([])).toBeNull();
  });

  it('applies the highest level passed, and starts at the lowest', () => {
    const levels = [
      { threshold: 100, targetRatio: 2 },
      { threshold: 200, targetRatio: 3 },
      { threshold: 300, targetRatio: 4 },
    ];
    expect(levelPassed(levels, 100)).toBeNull();
    expect(levelPassed(levels, 101)?.targetRatio).toBe(2);
    expect(levelPassed(levels, 250)?.targetRatio).toBe(3);
    expect(levelPassed(levels, 5000)?.targetRatio).toBe(4);
    expect(nextCompactionAt(levels)).toBe(100);
  });
});
