/**
 * `evento-ts/sentry`: tracing and error reporting on `@sentry/node` (an optional peer dependency),
 * with a client the application initialised. See docs/observability.md.
 *
 * @module evento-ts/sentry
 */
export { SentryTracingAgent, SentryKeys, type SentryTracingOptions } from './sentryTracingAgent';
