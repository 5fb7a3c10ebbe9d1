/**
 * A promise rejected with `error` as it is: how a function that returns a promise without an
 * async frame of its own turns what it caught into a rejection, as an async function would.
 */
export function rejection(error: unknown): Promise<never> {
  // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- rejects with what was thrown, unchanged
  return Promise.reject(error);
}
