import type { HandlingPipeline } from '../handling/handlingPipeline';
import { Message } from '../messages/messages';
import { Metadata, MetadataKeys, newMessageId } from '../messages/metadata';
import type { ComponentDescriptor } from '../registry/descriptors';

/**
 * Makes each `@InvocationHandler` of an invoker instance go through the handling pipeline and
 * start a new flow: the commands and queries it sends get one fresh correlation id, and the
 * invocation as their cause.
 */
export function wrapInvocationHandlers(
  component: ComponentDescriptor,
  instance: object,
  pipeline: HandlingPipeline,
): void {
  for (const handler of component.handlers) {
    if (handler.kind !== 'invocation') continue;
    const original = (instance as Record<string, unknown>)[handler.method];
    if (typeof original !== 'function') continue;
    const label = `${component.name}.${handler.method}`;
    Object.defineProperty(instance, handler.method, {
      configurable: true,
      writable: true,
      value: function (this: object, ...args: unknown[]): unknown {
        const id = newMessageId();
        const invocation = new Message(
          args,
          label,
          new Metadata({ [MetadataKeys.messageId]: id, [MetadataKeys.correlationId]: id }),
          new Date(),
        );
        return pipeline.callInvocation(
          this,
          original as (...a: unknown[]) => unknown,
          args,
          handler,
          invocation,
        );
      },
    });
  }
}
