import { HandlerReturnError } from '../errors';
import { isThenable } from '../messages/flow';
import type { QueryMessage } from '../messages/messages';
import { Multiple, Single, type QueryResponse } from '../messages/payloads';
import type { ComponentDescriptor, HandlerDescriptor } from '../registry/descriptors';
import type { HandlingPipeline } from '../handling/handlingPipeline';
import type { InvocationContext } from '../registry/invocationContext';

/** Answers the queries of one projection. */
export class ProjectionRuntime {
  constructor(
    readonly descriptor: ComponentDescriptor,
    private readonly instance: object,
    private readonly gateways: Pick<InvocationContext, 'commandGateway' | 'queryGateway'>,
    private readonly pipeline: HandlingPipeline,
  ) {}

  /** The handler's answer; rejects, never throws (no async frame of its own: one per query). */
  handle(message: QueryMessage, handler: HandlerDescriptor): Promise<QueryResponse<unknown>> {
    const { commandGateway, queryGateway } = this.gateways;
    try {
      const called = this.pipeline.call(this.instance, handler, message.payload, {
        commandGateway,
        queryGateway,
        message,
      });
      return isThenable(called)
        ? Promise.resolve(called).then((result) => this.checked(handler, result))
        : Promise.resolve(this.checked(handler, called));
    } catch (error) {
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- rejected as it was thrown
      return Promise.reject(error);
    }
  }

  private checked(handler: HandlerDescriptor, result: unknown): QueryResponse<unknown> {
    if (!(result instanceof Single) && !(result instanceof Multiple)) {
      throw new HandlerReturnError(
        `${this.descriptor.name}.${handler.method} returned ${result === null || typeof result !== 'object' ? String(result) : `an instance of ${result.constructor.name}`}; ` +
          'a @QueryHandler returns Single.of(view) or Multiple.of(views).',
      );
    }
    return result;
  }
}
