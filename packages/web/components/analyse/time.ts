/** Seconds as people read them on a recording: "1.2 s" below a minute, "1:05.3" above. */
export function formatSeconds(seconds: number): string {
  const s = Math.max(0, seconds);
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  return `${m}:${(s - m * 60).toFixed(1).padStart(4, '0')}`;
}

/** Round tick positions for a time axis of `duration` seconds, at most about `maxTicks` of them. */
export function timeTicks(duration: number, maxTicks = 8): number[] {
  if (!(duration > 0)) return [0];
  // Steps that print exactly with one decimal, as formatSeconds writes them.
  const steps = [0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600];
  const step = steps.find((s) => duration / s <= maxTicks) ?? Math.ceil(duration / maxTicks);
  const ticks: number[] = [];
  for (let t = 0; t <= duration + 1e-9; t += step) ticks.push(Number(t.toFixed(3)));
  return ticks;
}
