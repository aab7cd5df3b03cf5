import type { SegmentResult } from '../../lib/api-types';

/**
 * Windows overlap (3 s every 1 s), so drawing them on one line would hide all but the last. Each goes on the first
 * lane free at its start: the lanes read as a staircase that still lines up with the waveform.
 */
export function assignLanes(segments: readonly SegmentResult[]): number[] {
  const laneEnds: number[] = [];
  return segments.map((s) => {
    let lane = laneEnds.findIndex((end) => end <= s.start + 1e-6);
    if (lane === -1) lane = laneEnds.push(s.end) - 1;
    else laneEnds[lane] = s.end;
    return lane;
  });
}
