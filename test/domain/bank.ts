/** A small bank domain used across the framework's tests: accounts, transfers, a balance view. */
import {
  Aggregate,
  AggregateCommandHandler,
  AggregateState,
  DomainCommand,
  DomainEvent,
  EventSourcingHandler,
  Multiple,
  Projection,
  Query,
  QueryHandler,
  Single,
  View,
} from '../../src';

export class OpenAccount extends DomainCommand {
  constructor(
    readonly accountId: string,
    readonly owner: string,
  ) {
    super();
  }
  getAggregateId(): string {
    return this.accountId;
  }
}

export class Deposit extends DomainCommand {
  constructor(
    readonly accountId: string,
    readonly amount: number,
  ) {
    super();
  }
  getAggregateId(): string {
    return this.accountId;
  }
}

export class Withdraw extends DomainCommand {
  constructor(
    readonly accountId: string,
    readonly amount: number,
    readonly transferId?: string,
  ) {
    super();
  }
  getAggregateId(): string {
    return this.accountId;
  }
}

export class CloseAccount extends DomainCommand {
  constructor(readonly accountId: string) {
    super();
  }
  getAggregateId(): string {
    return this.accountId;
  }
}

export class AccountOpened extends DomainEvent {
  constructor(
    readonly accountId: string,
    readonly owner: string,
    readonly openedAt: Date,
  ) {
    super();
  }
}

export class Deposited extends DomainEvent {
  constructor(
    readonly accountId: string,
    readonly amount: number,
    readonly transferId?: string,
  ) {
    super();
  }
}

export class Withdrawn extends DomainEvent {
  constructor(
    readonly accountId: string,
    readonly amount: number,
    readonly transferId?: string,
  ) {
    super();
  }
}

export class AccountClosed extends DomainEvent {
  constructor(readonly accountId: string) {
    super();
  }
}

export class CreditTransfer extends DomainCommand {
  constructor(
    readonly accountId: string,
    readonly amount: number,
    readonly transferId: string,
  ) {
    super();
  }
  getAggregateId(): string {
    return this.accountId;
  }
}

export class TransferCredited extends DomainEvent {
  constructor(
    readonly accountId: string,
    readonly amount: number,
    readonly transferId: string,
  ) {
    super();
  }
}

export class InsufficientFundsError extends Error {
  constructor(
    readonly accountId: string,
    readonly balance: number,
    readonly requested: number,
  ) {
    super(`Account ${accountId} has ${balance}, cannot withdraw ${requested}`);
    this.name = 'InsufficientFundsError';
  }
}

export class AccountState extends AggregateState {
  constructor(
    public owner: string,
    public balance = 0,
  ) {
    super();
  }
  canWithdraw(amount: number): boolean {
    return this.balance >= amount;
  }
}

@Aggregate({ snapshotFrequency: -1 })
export class AccountAggregate {
  @AggregateCommandHandler({ init: true })
  open(command: OpenAccount): AccountOpened {
    return new AccountOpened(command.accountId, command.owner, new Date('2026-01-01T00:00:00Z'));
  }

  @AggregateCommandHandler()
  deposit(command: Deposit, _state: AccountState): Deposited {
    return new Deposited(command.accountId, command.amount);
  }

  @AggregateCommandHandler()
  withdraw(command: Withdraw, state: AccountState): Withdrawn {
    if (!state.canWithdraw(command.amount))
      throw new InsufficientFundsError(command.accountId, state.balance, command.amount);
    return new Withdrawn(command.accountId, command.amount, command.transferId);
  }

  @AggregateCommandHandler()
  credit(command: CreditTransfer): TransferCredited {
    return new TransferCredited(command.accountId, command.amount, command.transferId);
  }

  @EventSourcingHandler()
  onCredited(event: TransferCredited, state: AccountState): void {
    state.balance += event.amount;
  }

  @AggregateCommandHandler()
  close(command: CloseAccount): AccountClosed {
    return new AccountClosed(command.accountId);
  }

  @EventSourcingHandler()
  onOpened(event: AccountOpened): AccountState {
    return new AccountState(event.owner);
  }

  @EventSourcingHandler()
  onDeposited(event: Deposited, state: AccountState): void {
    state.balance += event.amount;
  }

  @EventSourcingHandler()
  onWithdrawn(event: Withdrawn, state: AccountState): AccountState {
    const next = new AccountState(state.owner, state.balance - event.amount);
    return next;
  }

  @EventSourcingHandler()
  onClosed(_event: AccountClosed, state: AccountState): void {
    state.setDeleted(true);
  }
}

export class AccountView extends View {
  constructor(
    readonly accountId: string,
    readonly owner: string,
    readonly balance: number,
  ) {
    super();
  }
}

export class FindAccount extends Query<Single<AccountView>> {
  constructor(readonly accountId: string) {
    super();
  }
}

export class ListAccounts extends Query<Multiple<AccountView>> {}

/** A read model the bank projector writes and the bank projection reads. */
export class AccountReadModel {
  readonly accounts = new Map<string, AccountView>();
  readonly handled: number[] = [];
  liveUpdates = 0;
}

@Projection()
export class AccountProjection {
  constructor(private readonly model: AccountReadModel) {}

  @QueryHandler()
  find(query: FindAccount): Single<AccountView> {
    const view = this.model.accounts.get(query.accountId);
    if (view === undefined) throw new Error(`No account ${query.accountId}`);
    return Single.of(view);
  }

  @QueryHandler()
  list(_query: ListAccounts): Multiple<AccountView> {
    return Multiple.of([...this.model.accounts.values()]);
  }
}
