import { HandlerReturnError } from '../errors';
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

  async handle(message: QueryMessage, handler: HandlerDescriptor): Promise<QueryResponse<unknown>> {
    const { commandGateway, queryGateway } = this.gateways;
    const result = await this.pipeline.call(this.instance, handler, message.payload, {
      commandGateway,
      queryGateway,
      message,
    });
    if (!(result instanceof Single) && !(result instanceof Multiple)) {
      throw new HandlerReturnError(
        `${this.descriptor.name}.${handler.method} returned ${result === null || typeof result !== 'object' ? String(result) : `an instance of ${result.constructor.name}`}; ` +
          'a @QueryHandler returns Single.of(view) or Multiple.of(views).',
      );
    }
    return result;
  }
}
