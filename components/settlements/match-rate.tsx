/** Matched lines as a percentage with one decimal, rounded down (99.96 % never reads as 100 %). */
export function matchPercent(matched: number, lines: number): number | null {
  if (lines <= 0) return null;
  return Math.floor((matched * 1000) / lines) / 10;
}

export function formatPercent(value: number | null): string {
  return value === null ? '—' : `${value.toFixed(1)} %`;
}

/** "97.5 %" with a small bar under it (the text carries the value; the bar is decoration). */
export function MatchRate({ matched, lines }: { matched: number; lines: number }) {
  const percent = matchPercent(matched, lines);
  return (
    <div className="grid min-w-24 gap-1">
      <span className="tabular-nums">{formatPercent(percent)}</span>
      <span aria-hidden className="block h-1.5 w-full overflow-hidden rounded-full bg-muted">
        <span
          className={percent === 100 ? 'block h-full bg-success' : 'block h-full bg-warning'}
          style={{ width: `${percent ?? 0}%` }}
        />
      </span>
    </div>
  );
}
