import type { InjectionToken } from 'tsyringe';
import { InvalidArgumentError } from '../errors';
import { describe } from '../internal/types';
import type { PayloadRegistry } from '../messages/payloadRegistry';
import type { Command, Query, QueryResponse } from '../messages/payloads';
import type { ComponentDescriptor } from '../registry/descriptors';
import type { ResourceSet } from './components';
import type { PayloadClass, RecordingGateways, StubAnswer } from './recordingGateways';

/**
 * What every fixture sets up the same way: the clock handlers see, the component's constructor
 * dependencies, and the answers of the commands and queries it sends.
 */
export abstract class FixtureSetup {
  protected readonly stubs: ((gateways: RecordingGateways) => void)[] = [];
  protected now: Date | undefined;

  protected constructor(
    protected readonly descriptor: ComponentDescriptor,
    protected readonly payloads: PayloadRegistry,
    protected readonly resources: ResourceSet,
  ) {}

  /** The time handlers see as the message time; default: the real time when the scenario runs. */
  givenCurrentTime(date: Date): this {
    if (!(date instanceof Date) || Number.isNaN(date.getTime())) {
      throw new InvalidArgumentError(`givenCurrentTime() takes a valid Date, got ${describe(date)}.`);
    }
    this.now = new Date(date.getTime());
    return this;
  }

  /** Registers a value the component's constructor takes, under its injection token. */
  registerInjectableResource<T>(token: InjectionToken<T>, value: T): this {
    this.resources.add(token, value);
    return this;
  }

  /**
   * Stubs what a command of `type` (or a subclass) sent by the handlers answers: a value, an Error
   * to throw, or a function of the command. Unstubbed commands answer undefined.
   */
  onCommand<C extends Command>(type: PayloadClass<C>, answer: StubAnswer<C>): this {
    this.stubs.push((gateways) => gateways.onCommand(type, answer));
    return this;
  }

  /** Stubs what a query of `type` answers; an unstubbed query fails with NoHandlerError. */
  onQuery<Q extends Query>(type: PayloadClass<Q>, answer: StubAnswer<Q, QueryResponse<unknown>>): this {
    this.stubs.push((gateways) => gateways.onQuery(type, answer));
    return this;
  }
}
