/**
 * `evento-ts/opentelemetry`: tracing on `@opentelemetry/api` (an optional peer dependency).
 * See docs/observability.md.
 *
 * @module evento-ts/opentelemetry
 */
export {
  OpenTelemetryTracingAgent,
  MessagingAttributes,
  type OpenTelemetryTracingOptions,
} from './openTelemetryTracingAgent';
export { parseTraceparent, formatTraceContext, W3CKeys } from './w3cTraceContext';
