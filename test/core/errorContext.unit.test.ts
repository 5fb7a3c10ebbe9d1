import {
  ComponentDefinitionError,
  EventHandler,
  EventoBundle,
  InMemoryEventStore,
  Observer,
  PublishedEvent,
  StoreTransaction,
  describeErrorContext,
  type ErrorContext,
} from '../../src';
import { rejectionOf } from '../support/waiting';
import { AccountAggregate, AccountOpened, Deposit, Deposited, OpenAccount } from '../domain/bank';

@Observer({ startFrom: 'beginning' })
class FailingObserver {
  @EventHandler({ retry: 1, retryDelay: 1 })
  onDeposited(event: Deposited): void {
    throw new Error(`cannot notify about ${event.amount}`);
  }
}

describe('onError', () => {
  it('gets a structured context: kind, component, consumer, sequence number, payload name, attempt', async () => {
    const reports: { error: unknown; where: ErrorContext }[] = [];
    const bundle = await EventoBundle.builder()
      .setBundleId('bank')
      .setComponents([AccountAggregate, FailingObserver])
      .setEventStore(new InMemoryEventStore())
      .onError((error, where) => reports.push({ error, where }))
      .start();
    await bundle.commandGateway.send(new OpenAccount('a1', 'ann'));
    await bundle.commandGateway.send(new Deposit('a1', 5));
    await bundle.untilIdle();
    await bundle.stop();

    expect(reports.map((r) => r.where)).toEqual(
      [1, 2].map((attempt) => ({
        kind: 'handler',
        bundleId: 'bank',
        component: 'FailingObserver',
        consumerId: 'bank_FailingObserver_1_*',
        sequenceNumber: 2,
        payloadName: 'Deposited',
        aggregateId: 'a1',
        attempt,
      })),
    );
    expect((reports[0]?.error as Error).message).toBe('cannot notify about 5');
    expect(describeErrorContext(reports[1]?.where as ErrorContext)).toBe(
      'handler of consumer bank_FailingObserver_1_*, Deposited #2, aggregate a1, attempt 2 (bundle bank)',
    );
  });
});

describe('observers and projectors are distinct handler kinds', () => {
  it('refuses at start an @Observer that asks for the StoreTransaction, with the fix', async () => {
    @Observer()
    class TransactionalObserver {
      @EventHandler()
      onOpened(_event: AccountOpened, _transaction: StoreTransaction, _published: PublishedEvent): void {}
    }
    const error = await rejectionOf(
      EventoBundle.builder()
        .setBundleId('bank')
        .setComponents([AccountAggregate, TransactionalObserver])
        .start(),
    );
    expect(error).toBeInstanceOf(ComponentDefinitionError);
    expect((error as Error).message).toMatch(/TransactionalObserver\.onOpened/);
    expect((error as Error).message).toMatch(
      /an @Observer runs outside the consumer state store's transaction/,
    );
    expect((error as Error).message).toMatch(/make the component a @Projector/);
  });
});
