import { runInFlowOf } from '../messages/flow';
import type { HandlerDescriptor } from './descriptors';
import type { InvocationContext } from './invocationContext';

/**
 * Calls `handler` on `instance` with the payload and its injected parameters, inside the flow of
 * the context's message (so messages it sends are caused by that message). Resolves to what the
 * handler returned.
 */
export async function invoke(
  instance: object,
  handler: HandlerDescriptor,
  payload: unknown,
  context: InvocationContext,
): Promise<unknown> {
  const args: unknown[] = [payload];
  for (const resolve of handler.params) args.push(resolve(context));
  const method = (instance as Record<string, (...a: unknown[]) => unknown>)[handler.method] as (
    ...a: unknown[]
  ) => unknown;
  return runInFlowOf(context.message, () => method.apply(instance, args));
}
