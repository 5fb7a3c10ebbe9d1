import { container } from 'tsyringe';
import {
  Aggregate,
  AggregateCommandHandler,
  AggregateState,
  DomainCommand,
  EventSourcingHandler,
  AggregateDeletedError,
  AggregateInitializedError,
  AggregateNotInitializedError,
  ConcurrencyError,
  EventoBundle,
  InMemoryEventStore,
  type AppendRequest,
  type StoredEvent,
} from '../../src';
import {
  AccountAggregate,
  AccountOpened,
  AccountReadModel,
  CloseAccount,
  Deposit,
  Deposited,
  InsufficientFundsError,
  OpenAccount,
  Withdraw,
  Withdrawn,
} from '../domain/bank';

async function bankBundle(eventStore = new InMemoryEventStore()): Promise<EventoBundle> {
  const scope = container.createChildContainer();
  scope.registerInstance(AccountReadModel, new AccountReadModel());
  return EventoBundle.builder()
    .setBundleId('bank')
    .setComponents([AccountAggregate])
    .setEventStore(eventStore)
    .setContainer(scope)
    .start();
}

describe('aggregates', () => {
  it('appends the event a command produced and resolves to it', async () => {
    const store = new InMemoryEventStore();
    const bundle = await bankBundle(store);
    const opened = await bundle.commandGateway.send<AccountOpened>(new OpenAccount('a1', 'ann'));
    expect(opened).toBeInstanceOf(AccountOpened);
    expect(opened.openedAt).toBeInstanceOf(Date);
    const deposited = await bundle.commandGateway.send<Deposited>(new Deposit('a1', 50));
    expect(deposited).toEqual(new Deposited('a1', 50));
    const events = await store.readAggregate('a1');
    expect(events.map((e) => [e.eventName, e.aggregateVersion])).toEqual([
      ['AccountOpened', 1],
      ['Deposited', 2],
    ]);
    await bundle.stop();
  });

  it('rebuilds state from events, so rules see earlier commands', async () => {
    const bundle = await bankBundle();
    await bundle.commandGateway.send(new OpenAccount('a1', 'ann'));
    await bundle.commandGateway.send(new Deposit('a1', 30));
    await bundle.commandGateway.send(new Withdraw('a1', 20));
    const error = await bundle.commandGateway.send(new Withdraw('a1', 20)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InsufficientFundsError);
    expect((error as InsufficientFundsError).balance).toBe(10);
    await bundle.stop();
  });

  it('a handler that throws appends nothing', async () => {
    const store = new InMemoryEventStore();
    const bundle = await bankBundle(store);
    await bundle.commandGateway.send(new OpenAccount('a1', 'ann'));
    await expect(bundle.commandGateway.send(new Withdraw('a1', 1))).rejects.toBeInstanceOf(
      InsufficientFundsError,
    );
    expect(await store.headSequence()).toBe(1);
    await bundle.stop();
  });

  it('rejects a non-init command on a new aggregate, an init command on an existing one, and any command on a deleted one', async () => {
    const bundle = await bankBundle();
    const gateway = bundle.commandGateway;
    await expect(gateway.send(new Deposit('nope', 1))).rejects.toThrow(AggregateNotInitializedError);
    await expect(gateway.send(new Deposit('nope', 1))).rejects.toThrow(/create it first with OpenAccount/);
    await gateway.send(new OpenAccount('a1', 'ann'));
    await expect(gateway.send(new OpenAccount('a1', 'bob'))).rejects.toThrow(AggregateInitializedError);
    await gateway.send(new CloseAccount('a1'));
    await expect(gateway.send(new Deposit('a1', 1))).rejects.toThrow(AggregateDeletedError);
    await bundle.stop();
  });

  it('serializes 200 concurrent commands on one aggregate into versions 1..200 without an error', async () => {
    const store = new InMemoryEventStore();
    const bundle = await bankBundle(store);
    await bundle.commandGateway.send(new OpenAccount('a1', 'ann'));
    await Promise.all(Array.from({ length: 199 }, () => bundle.commandGateway.send(new Deposit('a1', 1))));
    const events = await store.readAggregate('a1');
    expect(events.map((e) => e.aggregateVersion)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    await bundle.stop();
  });

  it('decides again when another writer appended in between (ConcurrencyError is retried)', async () => {
    class RacingStore extends InMemoryEventStore {
      raced = 0;
      override async append(request: AppendRequest): Promise<StoredEvent[]> {
        if (request.aggregateId === 'a1' && request.expectedVersion === 1 && this.raced === 0) {
          this.raced++;
          const [first] = request.events;
          // Another writer: another command, so without this one's idempotency record.
          if (first !== undefined)
            await super.append({ aggregateId: 'a1', expectedVersion: 1, events: [first] });
        }
        return super.append(request);
      }
    }
    const store = new RacingStore();
    const bundle = await bankBundle(store);
    await bundle.commandGateway.send(new OpenAccount('a1', 'ann'));
    await bundle.commandGateway.send(new Deposit('a1', 5));
    expect(store.raced).toBe(1);
    const events = await store.readAggregate('a1');
    expect(events.map((e) => e.aggregateVersion)).toEqual([1, 2, 3]);
    await bundle.stop();
  });

  it('gives up with ConcurrencyError after the configured retries', async () => {
    class AlwaysStale extends InMemoryEventStore {
      override async append(request: AppendRequest): Promise<StoredEvent[]> {
        if (request.expectedVersion > 0)
          throw new ConcurrencyError(request.aggregateId ?? '', request.expectedVersion, undefined);
        return super.append(request);
      }
    }
    const bundle = await EventoBundle.builder()
      .setBundleId('bank')
      .setComponents([AccountAggregate])
      .setEventStore(new AlwaysStale())
      .setCommandConflictRetries(2)
      .start();
    await bundle.commandGateway.send(new OpenAccount('a1', 'ann'));
    await expect(bundle.commandGateway.send(new Deposit('a1', 1))).rejects.toBeInstanceOf(ConcurrencyError);
    await bundle.stop();
  });

  it('event metadata carries the command metadata, a new message id, the correlation id and the command as cause', async () => {
    const store = new InMemoryEventStore();
    const bundle = await bankBundle(store);
    await bundle.commandGateway.send(new OpenAccount('a1', 'ann'), { user: 'ann' });
    const [event] = await store.readAggregate('a1');
    expect(event?.metadata.user).toBe('ann');
    expect(event?.metadata.messageId).toMatch(/[0-9a-f-]{36}/);
    expect(event?.metadata.causationId).toBeDefined();
    expect(event?.metadata.causationId).not.toBe(event?.metadata.messageId);
    expect(event?.metadata.correlationId).toBe(event?.metadata.causationId);
    await bundle.stop();
  });

  it('returns several events from one command and applies each', async () => {
    const store = new InMemoryEventStore();
    const bundle = await EventoBundle.builder()
      .setBundleId('multi')
      .setComponents([TwoEvents])
      .setEventStore(store)
      .start();
    const result = await bundle.commandGateway.send<unknown[]>(new SplitDeposit('x'));
    expect(result).toEqual([new Deposited('x', 10), new Withdrawn('x', 3)]);
    expect((await store.readAggregate('x')).map((e) => e.aggregateVersion)).toEqual([1, 2]);
    await bundle.stop();
  });
});

class SplitDeposit extends DomainCommand {
  constructor(readonly accountId: string) {
    super();
  }
  getAggregateId(): string {
    return this.accountId;
  }
}

class Touched extends AggregateState {
  touched = 0;
}

@Aggregate()
class TwoEvents {
  @AggregateCommandHandler({ init: true })
  handle(command: SplitDeposit): (Deposited | Withdrawn)[] {
    return [new Deposited(command.accountId, 10), new Withdrawn(command.accountId, 3)];
  }
  @EventSourcingHandler()
  onDeposited(_e: Deposited): Touched {
    return new Touched();
  }
  @EventSourcingHandler()
  onWithdrawn(_e: Withdrawn, state: Touched): void {
    state.touched++;
  }
}
