import { randomUUID } from 'node:crypto';
import { HandlerReturnError } from '../errors';
import { describe } from '../internal/types';
import { SagaState } from '../model/sagaState';
import type { ConsumerStateStore } from '../stores/consumerStateStore';
import type { StoredEvent } from '../stores/eventStore';
import { nothingChanged, type ProcessedEvent, type StepContext } from '../consumers/eventProcessor';
import { HandlerProcessor } from '../consumers/handlerProcessor';

/**
 * Runs the `@SagaEventHandler`s of a saga: finds the instance by the event's association value,
 * starts one on an `init` handler, and returns the instance's new state (or its deletion, once
 * ended) to commit with the event's offset.
 */
export class SagaProcessor extends HandlerProcessor {
  constructor(
    descriptor: ConstructorParameters<typeof HandlerProcessor>[0],
    instance: object,
    deps: ConstructorParameters<typeof HandlerProcessor>[2],
    private readonly store: ConsumerStateStore,
  ) {
    super(descriptor, instance, deps);
  }

  override async process(stored: StoredEvent, step: StepContext): Promise<ProcessedEvent> {
    const handler = this.byName.get(stored.eventName);
    if (handler === undefined) return nothingChanged;
    const sagaName = this.descriptor.name;
    const message = this.revive(stored);
    const property = handler.options.associationProperty as string;
    const raw = (message.payload as unknown as Record<string, unknown>)[property];
    if (raw === undefined || raw === null) return nothingChanged;
    if (typeof raw === 'object') {
      throw new HandlerReturnError(
        `${this.descriptor.name}.${handler.method}: the association property '${property}' of ${stored.eventName} holds an object; associate on a string or number property.`,
      );
    }
    const value = typeof raw === 'string' ? raw : JSON.stringify(raw);
    const found = await this.store.findSagaInstance(sagaName, property, value);
    if (found === undefined && handler.options.init !== true) return nothingChanged;
    const state =
      found === undefined
        ? undefined
        : this.deps.payloads.deserialize<SagaState>(found.stateName, found.state);
    const result = await this.deps.pipeline.call(
      this.instance,
      handler,
      message.payload,
      {
        commandGateway: this.deps.gateways.commandGateway,
        queryGateway: this.deps.gateways.queryGateway,
        message,
        state,
      },
      step,
    );
    const next = result === undefined || result === null ? state : result;
    if (!(next instanceof SagaState)) {
      throw new HandlerReturnError(
        `${sagaName}.${handler.method} returned ${describe(next)}; a @SagaEventHandler returns the saga's SagaState subclass instance ` +
          '(required from an init handler that starts an instance), or nothing after mutating the state it got.',
      );
    }
    const sagaId = found?.sagaId ?? randomUUID();
    if (found === undefined && next.getAssociation(property) === undefined)
      next.setAssociation(property, value);
    if (next.isEnded())
      return { sagaUpserts: [], sagaDeletes: found === undefined ? [] : [{ sagaName, sagaId }] };
    return {
      sagaUpserts: [
        {
          sagaName,
          sagaId,
          stateName: this.deps.payloads.nameOfInstance(next),
          state: this.deps.payloads.serialize(next),
          associations: { ...next.associations },
        },
      ],
      sagaDeletes: [],
    };
  }
}
