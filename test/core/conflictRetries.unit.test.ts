import {
  ConcurrencyError,
  EventoBundle,
  InMemoryEventStore,
  type AppendRequest,
  type StoredEvent,
} from '../../src';
import { AccountAggregate, Deposit, OpenAccount } from '../domain/bank';

/** An in-memory store that refuses the next `refusals` appends as if another writer got there first. */
class ContendedStore extends InMemoryEventStore {
  refusals = 0;

  override async append(request: AppendRequest): Promise<StoredEvent[]> {
    if (this.refusals > 0 && request.aggregateId !== null) {
      this.refusals--;
      throw new ConcurrencyError(request.aggregateId, request.expectedVersion, request.expectedVersion + 1);
    }
    return super.append(request);
  }
}

describe('conflict retry counts', () => {
  it('counts each command decided again after a ConcurrencyError, per aggregate type', async () => {
    const store = new ContendedStore();
    const bundle = await EventoBundle.builder()
      .setBundleId('bank')
      .setComponents([AccountAggregate])
      .setEventStore(store)
      .start();
    try {
      expect(bundle.stats()).toEqual({ conflictRetries: {} });
      await bundle.commandGateway.send(new OpenAccount('a', 'ann'));
      store.refusals = 3;
      await bundle.commandGateway.send(new Deposit('a', 1));
      expect(bundle.stats().conflictRetries).toEqual({ AccountAggregate: 3 });
      store.refusals = 1;
      await bundle.commandGateway.send(new Deposit('a', 1));
      expect(bundle.stats().conflictRetries).toEqual({ AccountAggregate: 4 });
    } finally {
      await bundle.stop();
    }
  });
});
