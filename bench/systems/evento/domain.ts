/**
 * The benchmark domain in evento-ts: accounts that are opened and take deposits, and a projector
 * that writes one read-model row per deposit through a pluggable sink.
 */
import {
  Aggregate,
  AggregateCommandHandler,
  AggregateState,
  DomainCommand,
  DomainEvent,
  EventHandler,
  EventSourcingHandler,
  Projector,
  PublishedEvent,
  StoreTransaction,
  Track,
} from '../../../src';

export class Open extends DomainCommand {
  constructor(readonly id: string) {
    super();
  }
  getAggregateId(): string {
    return this.id;
  }
}

export class Deposit extends DomainCommand {
  constructor(
    readonly id: string,
    readonly amount: number,
    /** performance.now() when the command was sent (latency runs), else 0. */
    readonly sentAt: number,
  ) {
    super();
  }
  getAggregateId(): string {
    return this.id;
  }
}

export class Opened extends DomainEvent {
  constructor(readonly id: string) {
    super();
  }
}

export class Deposited extends DomainEvent {
  constructor(
    readonly id: string,
    readonly amount: number,
    readonly sentAt: number,
  ) {
    super();
  }
}

export class AccountState extends AggregateState {
  balance = 0;
  deposits = 0;
}

@Aggregate()
export class Account {
  @AggregateCommandHandler({ init: true })
  open(command: Open): Opened {
    return new Opened(command.id);
  }

  // Each deposit starts a trace when the bundle has a tracing agent (the tracing workload);
  // without one, @Track changes nothing.
  @Track()
  @AggregateCommandHandler()
  deposit(command: Deposit, state: AccountState): Deposited {
    if (command.amount <= 0 || state.isDeleted()) throw new Error('cannot deposit');
    return new Deposited(command.id, command.amount, command.sentAt);
  }

  @EventSourcingHandler()
  onOpened(_event: Opened): AccountState {
    return new AccountState();
  }

  @EventSourcingHandler()
  onDeposited(event: Deposited, state: AccountState): void {
    state.balance += event.amount;
    state.deposits++;
  }
}

/** The same account (its handlers inherited), snapshotted every 100 events. */
@Aggregate({ snapshotFrequency: 100, state: AccountState })
export class SnapshottedAccount extends Account {}

/** Where the projector writes: set per run (a table through the transaction, a pool, a map). */
export class ReadModelSink {
  constructor(
    readonly write: (event: Deposited, sequenceNumber: number, transaction: unknown) => Promise<void>,
  ) {}
}

@Projector({ batchSize: 1000 })
export class AccountProjector {
  constructor(private readonly sink: ReadModelSink) {}

  @EventHandler()
  async onDeposited(
    event: Deposited,
    published: PublishedEvent,
    transaction: StoreTransaction,
  ): Promise<void> {
    await this.sink.write(event, published.sequenceNumber, transaction.client);
  }
}
