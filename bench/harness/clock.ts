/**
 * Milliseconds since the epoch with the sub-millisecond resolution of `performance.now()`: times
 * taken in different processes of one machine can be subtracted.
 */
export function epochNow(): number {
  return performance.timeOrigin + performance.now();
}
