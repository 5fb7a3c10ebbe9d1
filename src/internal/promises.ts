/**
 * A promise rejected with `error` as it is: how a function that returns a promise without an
 * async frame of its own turns what it caught into a rejection, as an async function would.
 */
export function rejection(error: unknown): Promise<never> {
  // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- rejects with what was thrown, unchanged
  return Promise.reject(error);
}

/**
 * What `fn()` returned, as a promise: its own promise as it is, a value resolved, a throw as a
 * rejection. Unlike an async wrapper it makes no promise more when `fn` returns one.
 */
export function promiseFrom(fn: () => unknown): Promise<unknown> {
  try {
    const result = fn();
    return result instanceof Promise ? result : Promise.resolve(result);
  } catch (error) {
    return rejection(error);
  }
}
