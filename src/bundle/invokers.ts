import { getHandlers } from '../internal/reflection';
import type { Class } from '../internal/types';
import { runInFlowOf } from '../messages/flow';
import { Message } from '../messages/messages';
import { Metadata, MetadataKeys, newMessageId } from '../messages/metadata';

/**
 * Makes each `@InvocationHandler` of an invoker instance start a new flow: the commands and
 * queries it sends get one fresh correlation id, and the invocation as their cause.
 */
export function wrapInvocationHandlers(type: Class, instance: object): void {
  for (const handler of getHandlers(type)) {
    if (handler.kind !== 'invocation') continue;
    const target = instance as Record<string, unknown>;
    const original = target[handler.method];
    if (typeof original !== 'function') continue;
    const label = `${type.name}.${handler.method}`;
    Object.defineProperty(instance, handler.method, {
      configurable: true,
      writable: true,
      value: function (this: unknown, ...args: unknown[]): unknown {
        const id = newMessageId();
        const invocation = new Message(
          undefined,
          label,
          new Metadata({ [MetadataKeys.messageId]: id, [MetadataKeys.correlationId]: id }),
          new Date(),
        );
        return runInFlowOf(invocation, () => (original as (...a: unknown[]) => unknown).apply(this, args));
      },
    });
  }
}
