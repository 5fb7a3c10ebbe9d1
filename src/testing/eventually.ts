/** Options of {@link eventually}. */
export interface EventuallyOptions {
  /** Give up after this many ms; default 5,000. */
  timeoutMs?: number;
  /** Poll every this many ms; default 10. */
  intervalMs?: number;
  /** Named in the error when the condition never held. */
  what?: string;
}

/**
 * Polls `condition` (sync or async) until it holds; rejects with an Error naming `what` once
 * `timeoutMs` has passed. For what a test cannot await directly (a notification arriving, a
 * lease moving). To wait for consumers, prefer `bundle.untilIdle()`, which needs no polling.
 */
export async function eventually(
  condition: () => boolean | Promise<boolean>,
  options: EventuallyOptions | number = {},
): Promise<void> {
  const {
    timeoutMs = 5_000,
    intervalMs = 10,
    what = 'the condition',
  } = typeof options === 'number' ? { timeoutMs: options } : options;
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`${what} did not hold within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
