/** Projectors, observers and sagas over the bank domain, for the consumer tests. */
import {
  CommandGateway,
  EventHandler,
  Observer,
  Projector,
  ProjectorStatus,
  PublishedEvent,
  Saga,
  SagaEventHandler,
  SagaState,
  DomainCommand,
  DomainEvent,
  Aggregate,
  AggregateCommandHandler,
  EventSourcingHandler,
  AggregateState,
  TransientConsumerError,
} from '../../src';
import {
  AccountOpened,
  AccountReadModel,
  AccountView,
  CreditTransfer,
  Deposit,
  Deposited,
  TransferCredited,
  Withdraw,
  Withdrawn,
} from './bank';

// #region projector
/** Writes balances; records every sequence number it handled, and whether the head was reached. */
@Projector({ batchSize: 250 })
export class AccountProjector {
  constructor(private readonly model: AccountReadModel) {}

  @EventHandler()
  onOpened(event: AccountOpened, published: PublishedEvent): void {
    this.model.handled.push(published.sequenceNumber);
    this.model.accounts.set(event.accountId, new AccountView(event.accountId, event.owner, 0));
  }

  @EventHandler()
  onDeposited(event: Deposited, published: PublishedEvent, status: ProjectorStatus): void {
    this.model.handled.push(published.sequenceNumber);
    if (status.isHeadReached()) this.model.liveUpdates++;
    const view = this.model.accounts.get(event.accountId);
    if (view !== undefined)
      this.model.accounts.set(
        event.accountId,
        new AccountView(view.accountId, view.owner, view.balance + event.amount),
      );
  }

  @EventHandler()
  onWithdrawn(event: Withdrawn, published: PublishedEvent): void {
    this.model.handled.push(published.sequenceNumber);
    const view = this.model.accounts.get(event.accountId);
    if (view !== undefined)
      this.model.accounts.set(
        event.accountId,
        new AccountView(view.accountId, view.owner, view.balance - event.amount),
      );
  }
}
// #endregion projector
/** Fails on deposits of a poisoned amount until `fixed` is set. */
export class PoisonSwitch {
  fixed = false;
  transientFailuresLeft = 0;
  seen: number[] = [];
}

// #region observer
@Observer({ startFrom: 'beginning' })
export class PickyObserver {
  constructor(private readonly poison: PoisonSwitch) {}

  @EventHandler({ retry: 2, retryDelay: 5 })
  onDeposited(event: Deposited, published: PublishedEvent): void {
    if (this.poison.transientFailuresLeft > 0 && event.amount === 7) {
      this.poison.transientFailuresLeft--;
      throw new TransientConsumerError('downstream is restarting');
    }
    if (event.amount === 13 && !this.poison.fixed) throw new RangeError('13 is unlucky');
    this.poison.seen.push(published.sequenceNumber);
  }
}
// #endregion observer
// --- a transfer saga over two accounts -------------------------------------------------------

export class StartTransfer extends DomainCommand {
  constructor(
    readonly transferId: string,
    readonly from: string,
    readonly to: string,
    readonly amount: number,
  ) {
    super();
  }
  getAggregateId(): string {
    return this.transferId;
  }
}

export class TransferStarted extends DomainEvent {
  constructor(
    readonly transferId: string,
    readonly from: string,
    readonly to: string,
    readonly amount: number,
  ) {
    super();
  }
}

export class TransferState extends AggregateState {}

@Aggregate()
export class TransferAggregate {
  @AggregateCommandHandler({ init: true })
  start(command: StartTransfer): TransferStarted {
    return new TransferStarted(command.transferId, command.from, command.to, command.amount);
  }

  @EventSourcingHandler()
  onStarted(_event: TransferStarted): TransferState {
    return new TransferState();
  }
}

export class DepositFor extends Deposit {}

export class TransferSagaState extends SagaState {
  constructor(
    public to = '',
    public amount = 0,
    public step = 'debiting',
  ) {
    super();
  }
}

// #region saga
/** Debits `from`, then credits `to`, then ends. */
@Saga()
export class TransferSaga {
  constructor(private readonly commands: CommandGateway) {}

  @SagaEventHandler({ init: true, associationProperty: 'transferId' })
  async onStarted(event: TransferStarted): Promise<TransferSagaState> {
    const state = new TransferSagaState(event.to, event.amount);
    await this.commands.send(new Withdraw(event.from, event.amount, event.transferId));
    return state;
  }

  @SagaEventHandler({ associationProperty: 'transferId' })
  async onWithdrawn(event: Withdrawn, state: TransferSagaState): Promise<void> {
    state.step = 'crediting';
    state.setAssociation('creditAccount', state.to);
    await this.commands.send(new CreditTransfer(state.to, state.amount, event.transferId ?? ''));
  }

  @SagaEventHandler({ associationProperty: 'transferId' })
  onCredited(_event: TransferCredited, state: TransferSagaState): void {
    state.step = 'done';
    state.setEnded(true);
  }
}
// #endregion saga
