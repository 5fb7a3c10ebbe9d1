import { publishedEvent } from '../messages/eventRecords';
import type { HandlingPipeline } from '../handling/handlingPipeline';
import { isThenable } from '../messages/flow';
import type { PublishedEvent } from '../messages/messages';
import type { PayloadRegistry } from '../messages/payloadRegistry';
import type { ComponentDescriptor, HandlerDescriptor } from '../registry/descriptors';
import type { InvocationContext } from '../registry/invocationContext';
import type { StoredEvent } from '../stores/eventStore';
import {
  nothingChanged,
  type EventProcessor,
  type ProcessedEvent,
  type RetryPolicy,
  type StepContext,
} from './eventProcessor';
import { ProjectorStatus } from '../model/projectorStatus';
import { StoreTransaction } from '../model/storeTransaction';

const headReachedStatus = new ProjectorStatus(true);
const replayingStatus = new ProjectorStatus(false);

/** Dependencies shared by the processors. */
export interface ProcessorDeps {
  readonly payloads: PayloadRegistry;
  readonly gateways: Pick<InvocationContext, 'commandGateway' | 'queryGateway'>;
  readonly pipeline: HandlingPipeline;
}

/** Runs the `@EventHandler`s of a projector or an observer. */
export class HandlerProcessor implements EventProcessor {
  protected readonly byName = new Map<string, HandlerDescriptor>();

  constructor(
    protected readonly descriptor: ComponentDescriptor,
    protected readonly instance: object,
    protected readonly deps: ProcessorDeps,
  ) {
    for (const handler of descriptor.handlers) {
      if (handler.payload !== undefined) this.byName.set(deps.payloads.nameFor(handler.payload), handler);
    }
  }

  handles(eventName: string): boolean {
    return this.byName.has(eventName);
  }

  retryPolicy(eventName: string): RetryPolicy {
    const options = this.byName.get(eventName)?.options ?? {};
    return {
      retry: typeof options.retry === 'number' ? options.retry : 3,
      retryDelay: typeof options.retryDelay === 'number' ? options.retryDelay : 100,
    };
  }

  revive(event: StoredEvent): PublishedEvent {
    return publishedEvent(event, this.deps.payloads);
  }

  async process(stored: StoredEvent, step: StepContext): Promise<ProcessedEvent> {
    const handler = this.byName.get(stored.eventName);
    if (handler === undefined) return nothingChanged;
    const message = this.revive(stored);
    const { commandGateway, queryGateway } = this.deps.gateways;
    const context = { commandGateway, queryGateway, message, resources: this.resourcesFor(step) };
    // No promise of the pipeline's own unless the handler is async: a catch-up handles every event this way.
    const result = this.deps.pipeline.call(this.instance, handler, message.payload, context, step);
    if (isThenable(result)) await result;
    return nothingChanged;
  }

  private lastResources:
    { transaction: unknown; headReached: boolean; map: ReadonlyMap<unknown, unknown> } | undefined;

  /** The injectable resources of a step; events of one batch share them (one transaction, one status). */
  private resourcesFor(step: StepContext): ReadonlyMap<unknown, unknown> {
    const last = this.lastResources;
    if (last !== undefined && last.transaction === step.transaction && last.headReached === step.headReached)
      return last.map;
    const map = new Map<unknown, unknown>([
      [ProjectorStatus, step.headReached ? headReachedStatus : replayingStatus],
      [StoreTransaction, new StoreTransaction(step.transaction)],
    ]);
    this.lastResources = { transaction: step.transaction, headReached: step.headReached, map };
    return map;
  }
}
