import { AggregateDeletedError, AggregateInitializedError, AggregateNotInitializedError } from '../errors';
import type { HandlerDescriptor } from '../registry/descriptors';

function names(handler: HandlerDescriptor): { aggregate: string; command: string } {
  return { aggregate: handler.component.name, command: handler.payload?.name ?? handler.method };
}

export function notInitialized(
  handler: HandlerDescriptor,
  aggregateId: string,
): AggregateNotInitializedError {
  const { aggregate, command } = names(handler);
  const init = handler.component.handlers.find(
    (h) => h.kind === 'aggregateCommand' && h.options.init === true,
  );
  return new AggregateNotInitializedError(
    `${aggregate} '${aggregateId}' does not exist, so ${command} cannot run on it; ` +
      `create it first with ${init?.payload?.name ?? 'its init command'}, or check the aggregate id.`,
    { context: { aggregate, aggregateId, command } },
  );
}

export function alreadyInitialized(
  handler: HandlerDescriptor,
  aggregateId: string,
  version: number,
): AggregateInitializedError {
  const { aggregate, command } = names(handler);
  return new AggregateInitializedError(
    `${aggregate} '${aggregateId}' already exists (version ${version}), so the init command ${command} cannot create it again; ` +
      'use a new aggregate id.',
    { context: { aggregate, aggregateId, command, version } },
  );
}

export function deleted(handler: HandlerDescriptor, aggregateId: string): AggregateDeletedError {
  const { aggregate, command } = names(handler);
  return new AggregateDeletedError(
    `${aggregate} '${aggregateId}' is deleted and takes no more commands (got ${command}).`,
    {
      context: { aggregate, aggregateId, command },
    },
  );
}
