import { defineTracked } from '../internal/reflection';

/**
 * Marks a handler (usually an `@InvocationHandler`) as where a trace starts: with a tracing agent
 * set, a call that arrives without a trace context starts a new trace here. Handlers without it
 * only continue a trace their message brings, so a consumer replaying history sends nothing.
 * Put it next to the handler decorator; the order does not matter.
 */
export function Track(): MethodDecorator {
  return (prototype, method) => defineTracked(prototype, String(method));
}
