import { describe, expect, it } from 'vitest';
import { formatBytes, formatDuration, ratesOf } from './import-status';

describe('import progress figures', () => {
  it('computes lines/s and the time left from the samples of the last seconds', () => {
    const samples = [
      { at: 0, bytes: 0, lines: 0 },
      { at: 4_000, bytes: 100_000_000, lines: 40_000 },
      { at: 6_000, bytes: 150_000_000, lines: 60_000 },
      { at: 8_000, bytes: 200_000_000, lines: 80_000 },
    ];
    // Window of 5 s: from t=4 s to t=8 s, 40,000 lines and 100 MB in 4 s.
    expect(ratesOf(samples, 1_000_000_000)).toEqual({ linesPerSecond: 10_000, etaSeconds: 32 });
  });

  it('says nothing before two samples or when nothing moved', () => {
    expect(ratesOf([], 100)).toEqual({ linesPerSecond: null, etaSeconds: null });
    expect(ratesOf([{ at: 1, bytes: 1, lines: 1 }], 100)).toEqual({ linesPerSecond: null, etaSeconds: null });
    expect(
      ratesOf(
        [
          { at: 0, bytes: 5, lines: 1 },
          { at: 1000, bytes: 5, lines: 1 },
        ],
        100,
      ),
    ).toEqual({ linesPerSecond: 0, etaSeconds: null });
  });

  it('formats sizes and durations', () => {
    expect(formatBytes(2_500)).toBe('2.5 kB');
    expect(formatBytes(12_345_678)).toBe('12.3 MB');
    expect(formatDuration(0.2)).toBe('under a second');
    expect(formatDuration(42.1)).toBe('43 s');
    expect(formatDuration(125)).toBe('2 min 5 s');
    expect(formatDuration(3 * 3600 + 120)).toBe('3 h 2 min');
  });
});
