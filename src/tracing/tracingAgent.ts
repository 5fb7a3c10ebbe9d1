import type { HandlerCall } from '../handling/handlerCall';
import type { HandlerNext, PassedOnCall } from '../handling/handlerInterceptor';

/**
 * Traces a bundle's work, set with `setTracingAgent` on the builder; `evento-ts/opentelemetry`
 * and `evento-ts/sentry` have one each. The bundle applies it as its outermost handler
 * interceptor, and its gateways write `activeTraceContext()` into every command and query sent:
 * no agent set (the default), no interceptor, no cost.
 *
 * An agent continues the trace that a handled message carries in its metadata, or starts one
 * where `call.tracked` (`@Track`) says so, and otherwise leaves the call alone (no orphan
 * traces from consumers replaying history). It must not change the handled message: it hands the
 * span's trace context to `next`, and the framework writes it into what the handler sends.
 */
export interface TracingAgent {
  /**
   * Runs one handler call (event sourcing handlers excepted): `next(traceContext)` runs the
   * handler, with the span's trace context (metadata keys such as `traceparent`) added to the
   * commands, queries and events it sends or produces. Resolve to what `next` resolved to;
   * reject with what it rejected with.
   */
  track(call: HandlerCall, next: HandlerNext): Promise<unknown>;
  /**
   * The trace context of the span active now (an HTTP request's, a handler's) as metadata keys,
   * written into each command and query a gateway sends; undefined when no span is active.
   */
  activeTraceContext(): Readonly<Record<string, string>> | undefined;
  /**
   * Optional, for speed: for a call the agent makes no span for (not traced, or not sampled),
   * what it passes on instead of calling `track`: the trace context to carry (`metadata`) and
   * what to do when the handler fails (`onError`). With no other interceptor on the call, the
   * handler then runs on the pipeline's direct path: no interceptor chain, and no promise unless
   * the handler is async. Undefined: the bundle calls `track`.
   */
  withoutSpan?(call: HandlerCall): PassedOnCall | undefined;
}
