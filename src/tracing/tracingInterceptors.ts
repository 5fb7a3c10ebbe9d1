import type { RegisteredHandlerInterceptor } from '../handling/handlerInterceptor';
import type { TracingAgent } from './tracingAgent';

/**
 * How a bundle applies its tracing agent: a handler interceptor that hands every handler call
 * to `agent.track` (but an aggregate's event sourcing handlers, which apply its own events: they
 * stay on the pipeline's direct path and cost nothing more; so do the calls the agent makes no span
 * for, when it says so with `withoutSpan`), and the trace context the gateways
 * write into every command and query sent (the active span's), without an interceptor chain.
 */
export function tracingInterceptors(agent: TracingAgent): {
  readonly handler: RegisteredHandlerInterceptor;
  readonly traceContext: () => Readonly<Record<string, string>> | undefined;
} {
  return {
    handler: {
      intercept: (call, next) => agent.track(call, next),
      passOn: agent.withoutSpan?.bind(agent),
      components: undefined,
      eventSourcing: false,
    },
    traceContext: () => agent.activeTraceContext(),
  };
}
