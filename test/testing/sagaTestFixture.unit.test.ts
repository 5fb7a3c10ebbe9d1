import {
  CommandGateway,
  ComponentDefinitionError,
  DomainEvent,
  InvalidArgumentError,
  Saga,
  SagaEventHandler,
  SagaState,
  ServiceCommand,
  ServiceEvent,
  Metadata,
} from 'evento-ts';
import { published, SagaTestFixture } from 'evento-ts/testing';
import {
  AccountAggregate,
  CreditTransfer,
  InsufficientFundsError,
  TransferCredited,
  Withdraw,
  Withdrawn,
} from '../domain/bank';
import { TransferSaga, TransferSagaState, TransferStarted } from '../domain/bankConsumers';
import { assertionFailureOf } from './support';

class OrderPlaced extends DomainEvent {
  constructor(
    readonly orderId: string,
    readonly sku: string,
  ) {
    super();
  }
}

class OrderCancelled extends DomainEvent {
  constructor(readonly orderId: string) {
    super();
  }
}

class ReserveStock extends ServiceCommand {
  constructor(
    readonly orderId: string,
    readonly sku: string,
  ) {
    super();
  }
}

class StockReserved extends ServiceEvent {
  constructor(
    readonly reservationId: string,
    readonly orderId: string,
  ) {
    super();
  }
}

class ReservationState extends SagaState {
  reservationId = '';
  placedBy = '';
  placedAt: Date | undefined;
}

/** Keeps what the stubbed command returned, and the metadata and time of the event that started it. */
@Saga()
class ReservationSaga {
  @SagaEventHandler({ init: true, associationProperty: 'orderId' })
  async onPlaced(
    event: OrderPlaced,
    commands: CommandGateway,
    metadata: Metadata,
    at: Date,
  ): Promise<ReservationState> {
    const reserved = await commands.send<StockReserved>(new ReserveStock(event.orderId, event.sku));
    const state = new ReservationState();
    state.reservationId = reserved.reservationId;
    state.placedBy = metadata.get('user') ?? '';
    state.placedAt = at;
    state.setAssociation('reservationId', reserved.reservationId);
    return state;
  }

  @SagaEventHandler({ associationProperty: 'orderId' })
  onCancelled(_event: OrderCancelled, state: ReservationState): void {
    state.setEnded(true);
  }
}

class TicketOpened extends DomainEvent {
  constructor(readonly ticket: number) {
    super();
  }
}

class OneShotState extends SagaState {}

/** Starts and ends on the same event. */
@Saga({ contexts: ['default'] })
class OneShotSaga {
  @SagaEventHandler({ init: true, associationProperty: 'ticket' })
  onOpened(_event: TicketOpened): OneShotState {
    const state = new OneShotState();
    state.setEnded(true);
    return state;
  }
}

class TicketState extends SagaState {}

@Saga({ contexts: ['support'] })
class SupportSaga {
  @SagaEventHandler({ init: true, associationProperty: 'ticket' })
  onOpened(_event: TicketOpened): TicketState {
    return new TicketState();
  }
}

@Saga()
class TicketSaga {
  @SagaEventHandler({ init: true, associationProperty: 'ticket' })
  onOpened(_event: TicketOpened): TicketState {
    return new TicketState();
  }
}

describe('SagaTestFixture', () => {
  describe('the transfer saga', () => {
    it('starts an instance on the init event, associated with its value, and sends the first command', async () => {
      await SagaTestFixture.of(TransferSaga)
        .givenNoPriorActivity()
        .whenPublished(new TransferStarted('t1', 'a1', 'a2', 30))
        .expectActiveSagas(1)
        .expectAssociationWith('transferId', 't1')
        .expectDispatchedCommands(new Withdraw('a1', 30, 't1'))
        .expectState((s: TransferSagaState) => s.step === 'debiting' && s.to === 'a2');
    });

    it('finds the instance by association and moves it on', async () => {
      await SagaTestFixture.of(TransferSaga)
        .givenPublished(new TransferStarted('t1', 'a1', 'a2', 30))
        .whenPublished(new Withdrawn('a1', 30, 't1'))
        .expectDispatchedCommands(new CreditTransfer('a2', 30, 't1'))
        .expectAssociationWith('creditAccount', 'a2')
        .expectAssociationWith('transferId', 't1')
        .expectActiveSagas(1)
        .expectState((s: TransferSagaState) => s.step === 'crediting');
    });

    it('ends the instance, deleting it and its associations', async () => {
      await SagaTestFixture.of(TransferSaga)
        .givenPublished(new TransferStarted('t1', 'a1', 'a2', 30), new Withdrawn('a1', 30, 't1'))
        .whenPublished(new TransferCredited('a2', 30, 't1'))
        .expectEnded()
        .expectActiveSagas(0)
        .expectNoAssociationWith('transferId', 't1')
        .expectNoAssociationWith('creditAccount', 'a2')
        .expectNoDispatchedCommands();
    });

    it('leaves other instances alone: an event for another transfer reaches no instance', async () => {
      const outcome = await SagaTestFixture.of(TransferSaga)
        .givenPublished(new TransferStarted('t1', 'a1', 'a2', 30), new TransferStarted('t2', 'a3', 'a4', 5))
        .whenPublished(new Withdrawn('a9', 30, 't3'))
        .expectNoDispatchedCommands()
        .expectActiveSagas(2)
        .expectNoAssociationWith('transferId', 't3');
      expect(outcome.handled).toBe(false);
    });

    it('an event without the association value reaches no instance', async () => {
      await SagaTestFixture.of(TransferSaga)
        .givenPublished(new TransferStarted('t1', 'a1', 'a2', 30))
        .whenPublished(new Withdrawn('a1', 30))
        .expectNoDispatchedCommands()
        .expectSuccessfulHandlerExecution();
    });

    it('a dispatched command stubbed with an error fails the handler, and the instance is not started', async () => {
      await SagaTestFixture.of(TransferSaga)
        .onCommand(Withdraw, new InsufficientFundsError('a1', 0, 30))
        .whenPublished(new TransferStarted('t1', 'a1', 'a2', 30))
        .expectException(InsufficientFundsError, 'cannot withdraw 30')
        .expectDispatchedCommands(new Withdraw('a1', 30, 't1'))
        .expectActiveSagas(0);
    });

    it('records only the commands of the event under test, not those of the given events', async () => {
      const outcome = await SagaTestFixture.of(TransferSaga)
        .givenPublished(new TransferStarted('t1', 'a1', 'a2', 30))
        .whenPublished(new Withdrawn('a1', 30, 't1'))
        .expectDispatchedCommands(new CreditTransfer('a2', 30, 't1'));
      expect(outcome.dispatchedCommands).toHaveLength(1);
    });

    it('rejects a component that is not a saga', () => {
      expect(() => SagaTestFixture.of(AccountAggregate)).toThrow(/is a @Aggregate.*use AggregateTestFixture/);
      class NotASaga {}
      expect(() => SagaTestFixture.of(NotASaga)).toThrow(ComponentDefinitionError);
    });

    it('rejects what is not an event, and givenNoPriorActivity mixed with given events', () => {
      const fixture = SagaTestFixture.of(TransferSaga);
      expect(() => fixture.whenPublished(new Withdraw('a1', 1) as unknown as DomainEvent)).toThrow(
        InvalidArgumentError,
      );
      expect(() =>
        fixture.givenNoPriorActivity().givenPublished(new TransferStarted('t1', 'a1', 'a2', 1)),
      ).toThrow(InvalidArgumentError);
    });
  });

  describe('stubs, metadata, time and associations', () => {
    it('returns what onCommand stubbed to the saga', async () => {
      await SagaTestFixture.of(ReservationSaga)
        .onCommand(ReserveStock, (command) => new StockReserved(`r-${command.orderId}`, command.orderId))
        .whenPublished(new OrderPlaced('o1', 'sku-1'))
        .expectDispatchedCommands(new ReserveStock('o1', 'sku-1'))
        .expectAssociationWith('reservationId', 'r-o1')
        .expectState((s: ReservationState) => s.reservationId === 'r-o1');
    });

    it('publishes with the metadata and the time given', async () => {
      const noon = new Date('2026-03-01T12:00:00Z');
      await SagaTestFixture.of(ReservationSaga)
        .givenCurrentTime(noon)
        .onCommand(ReserveStock, new StockReserved('r1', 'o1'))
        .whenPublished(
          published(new OrderPlaced('o1', 'sku-1'), { aggregateId: 'o1', metadata: { user: 'ann' } }),
        )
        .expectState((s: ReservationState) => {
          expect(s.placedBy).toBe('ann');
          expect(s.placedAt).toEqual(noon);
        });
    });

    it('ends an instance found by its association', async () => {
      await SagaTestFixture.of(ReservationSaga)
        .onCommand(ReserveStock, new StockReserved('r1', 'o1'))
        .givenPublished(new OrderPlaced('o1', 'sku-1'), new OrderPlaced('o2', 'sku-2'))
        .whenPublished(new OrderCancelled('o1'))
        .expectEnded()
        .expectActiveSagas(1)
        .expectNoAssociationWith('orderId', 'o1')
        .expectAssociationWith('orderId', 'o2');
    });

    it('associates numbers as the processor does', async () => {
      await SagaTestFixture.of(TicketSaga)
        .whenPublished(new TicketOpened(42))
        .expectAssociationWith('ticket', 42)
        .expectAssociationWith('ticket', '42');
    });

    it('an instance that ends on its init event is ended and never stored', async () => {
      await SagaTestFixture.of(OneShotSaga)
        .whenPublished(new TicketOpened(1))
        .expectEnded()
        .expectActiveSagas(0);
    });

    it('respects the contexts the saga consumes', async () => {
      const outcome = await SagaTestFixture.of(SupportSaga)
        .whenPublished(new TicketOpened(1))
        .expectActiveSagas(0);
      expect(outcome.handled).toBe(false);
    });

    it('fails the scenario when a given event fails in the saga', async () => {
      const error = await assertionFailureOf(
        SagaTestFixture.of(TransferSaga)
          .onCommand(Withdraw, new Error('bank down'))
          .givenPublished(new TransferStarted('t1', 'a1', 'a2', 30))
          .whenPublished(new Withdrawn('a1', 30, 't1'))
          .expectNoDispatchedCommands(),
      );
      expect(error.message).toContain(
        'givenPublished(): event 1 (TransferStarted) failed in TransferSaga with Error: "bank down"',
      );
    });
  });
});
