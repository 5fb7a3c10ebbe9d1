import type { DispatchInterceptorFn } from '../gateway/dispatchInterceptor';
import type { HandlerInterceptorFn } from '../handling/handlerInterceptor';
import type { TracingAgent } from './tracingAgent';

/**
 * The handler and dispatch interceptors through which a bundle applies its tracing agent: event
 * sourcing handlers (an aggregate replaying its own events) are not traced; every other call
 * goes to `agent.track`; every command and query sent gets the active span's trace context.
 */
export function tracingInterceptors(agent: TracingAgent): {
  readonly handler: HandlerInterceptorFn;
  readonly dispatch: DispatchInterceptorFn;
} {
  return {
    handler: (call, next) => (call.handlerKind === 'eventSourcing' ? next() : agent.track(call, next)),
    dispatch: (_dispatch, next) => {
      const traceContext = agent.activeTraceContext();
      return traceContext === undefined ? next() : next(traceContext);
    },
  };
}
