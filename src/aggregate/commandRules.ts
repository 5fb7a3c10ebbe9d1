import { HandlerReturnError, InvalidArgumentError } from '../errors';
import { describe } from '../internal/types';
import type { CommandMessage } from '../messages/messages';
import { DomainEvent } from '../messages/payloads';
import type { HandlerDescriptor } from '../registry/descriptors';
import { alreadyInitialized, deleted, notInitialized } from './aggregateErrors';
import type { AggregateState } from '../model/aggregateState';

/** The command's aggregate id; a domain command without one is an InvalidArgumentError. */
export function aggregateIdOf(message: CommandMessage): string {
  const aggregateId = message.aggregateId;
  if (typeof aggregateId !== 'string' || aggregateId.length === 0) {
    throw new InvalidArgumentError(
      `${message.payloadName}.getAggregateId() returned ${JSON.stringify(aggregateId)}; a domain command needs a non-empty aggregate id.`,
    );
  }
  return aggregateId;
}

/** Throws when the command may not run on the aggregate as loaded: not created yet, created already, or deleted. */
export function checkLifecycle(
  handler: HandlerDescriptor,
  aggregateId: string,
  version: number,
  state: AggregateState | undefined,
): void {
  const init = handler.options.init === true;
  if (version === 0 && !init) throw notInitialized(handler, aggregateId);
  if (version > 0 && init) throw alreadyInitialized(handler, aggregateId, version);
  if (state?.isDeleted() === true) throw deleted(handler, aggregateId);
}

/** What a command handler returned, as the events to append; anything else is a HandlerReturnError. */
export function checkEvents(handler: HandlerDescriptor, result: unknown): DomainEvent[] {
  const aggregate = handler.component;
  const where = `${aggregate.name}.${handler.method}`;
  const events = Array.isArray(result)
    ? (result as unknown[])
    : result === undefined || result === null
      ? []
      : [result];
  if (events.length === 0) {
    throw new HandlerReturnError(
      `${where} returned no event; an @AggregateCommandHandler returns the event (or events) to append, or throws to reject the command.`,
    );
  }
  for (const event of events) {
    if (!(event instanceof DomainEvent)) {
      throw new HandlerReturnError(`${where} returned ${describe(event)}; return DomainEvent instances.`);
    }
    if (!aggregate.byPayload.has(event.constructor)) {
      throw new HandlerReturnError(
        `${where} returned ${event.constructor.name}, which has no @EventSourcingHandler in ${aggregate.name}; add one.`,
      );
    }
  }
  return events as DomainEvent[];
}
