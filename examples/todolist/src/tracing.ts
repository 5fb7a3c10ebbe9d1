import * as Sentry from '@sentry/node';
import type { TracingAgent } from 'evento-ts';
import { SentryTracingAgent } from 'evento-ts/sentry';

// #region sentry
/**
 * The Sentry agent when SENTRY_DSN is set (SENTRY_TRACES_SAMPLE_RATE, default 1): the app
 * initialises Sentry itself, the agent only uses the client. Without SENTRY_DSN: no agent.
 */
export function tracingFromEnvironment(env: NodeJS.ProcessEnv = process.env): TracingAgent | undefined {
  if (!env.SENTRY_DSN) return undefined;
  const client = Sentry.init({
    dsn: env.SENTRY_DSN,
    tracesSampleRate: Number(env.SENTRY_TRACES_SAMPLE_RATE ?? 1),
  });
  // No redaction hook: nothing of a payload leaves the process.
  return new SentryTracingAgent({ client });
}
// #endregion sentry
