import { TimeoutError } from '../errors';

/** Resolves or rejects as `work` does, or rejects with a TimeoutError after `timeoutMs`. */
export function withTimeout<T>(work: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) return work;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(
        new TimeoutError(
          `${what} got no answer within ${timeoutMs} ms; the handler may still complete. ` +
            `Raise the timeout ({ timeoutMs }) or find what keeps the handler busy.`,
          { context: { timeoutMs } },
        ),
      );
    }, timeoutMs);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
