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

/** How a promise settled: its value, its error, or undefined when it had not within the time. */
export type Outcome<T> = { readonly value: T } | { readonly error: unknown } | undefined;

/**
 * How `promise` settled within `ms`: `{ value }`, `{ error }`, or undefined when it had not by
 * then (it then goes on unobserved: its rejection is handled here).
 */
export async function outcomeWithin<T>(promise: Promise<T>, ms: number): Promise<Outcome<T>> {
  let timer: NodeJS.Timeout | undefined;
  const settled = promise.then(
    (value): Outcome<T> => ({ value }),
    (error: unknown): Outcome<T> => ({ error }),
  );
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  try {
    return await Promise.race([settled, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
