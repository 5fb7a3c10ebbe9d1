/**
 * A small ticketing domain for the metrics tests: an aggregate that opens tickets, a service
 * whose command waits on a gate (a command in flight, a bus timeout), a projection whose query
 * can wait too, a projector, and observers that fail or stall on chosen tickets.
 */
import {
  Aggregate,
  AggregateCommandHandler,
  AggregateState,
  CommandHandler,
  DomainCommand,
  DomainEvent,
  EventHandler,
  EventSourcingHandler,
  Observer,
  Projection,
  Projector,
  Query,
  QueryHandler,
  Service,
  ServiceCommand,
  ServiceEvent,
  Single,
} from '../../src';

export class OpenTicket extends DomainCommand {
  constructor(readonly ticketId: string) {
    super();
  }
  getAggregateId(): string {
    return this.ticketId;
  }
}

export class TicketOpened extends DomainEvent {
  constructor(readonly ticketId: string) {
    super();
  }
}

export class Escalate extends ServiceCommand {
  constructor(readonly ticketId: string) {
    super();
  }
}

export class Escalated extends ServiceEvent {
  constructor(readonly ticketId: string) {
    super();
  }
}

export class CountTickets extends Query<Single<number>> {}

/** A promise the test opens: handlers wait on it. */
export class Gate {
  private release!: () => void;
  private promise = new Promise<void>((resolve) => (this.release = resolve));
  /** Handlers waiting now. */
  waiting = 0;

  async pass(): Promise<void> {
    this.waiting++;
    try {
      await this.promise;
    } finally {
      this.waiting--;
    }
  }

  open(): void {
    this.release();
  }
}

/** What the handlers share with the test, through the container. */
export class Desk {
  readonly gate = new Gate();
  opened = 0;
  /** Attempts of the flaky observer per ticket. */
  readonly attempts = new Map<string, number>();
}

export class TicketState extends AggregateState {}

@Aggregate()
export class Ticket {
  @AggregateCommandHandler({ init: true })
  open(command: OpenTicket): TicketOpened {
    if (command.ticketId.startsWith('refused')) throw new Error(`ticket ${command.ticketId} refused`);
    return new TicketOpened(command.ticketId);
  }

  @EventSourcingHandler()
  onOpened(_event: TicketOpened): TicketState {
    return new TicketState();
  }
}

@Service()
export class Escalation {
  constructor(private readonly desk: Desk) {}

  @CommandHandler()
  async escalate(command: Escalate): Promise<Escalated> {
    await this.desk.gate.pass();
    return new Escalated(command.ticketId);
  }
}

@Projection()
export class TicketCount {
  constructor(private readonly desk: Desk) {}

  @QueryHandler()
  async count(_query: CountTickets): Promise<Single<number>> {
    await this.desk.gate.pass();
    return Single.of(this.desk.opened);
  }
}

@Projector()
export class TicketProjector {
  constructor(private readonly desk: Desk) {}

  @EventHandler()
  onOpened(_event: TicketOpened): void {
    this.desk.opened++;
  }
}

/** Fails twice on `flaky*` tickets, then succeeds; always fails on `doomed*` tickets. */
@Observer()
export class FlakyObserver {
  constructor(private readonly desk: Desk) {}

  @EventHandler({ retry: 2, retryDelay: 1 })
  onOpened(event: TicketOpened): void {
    const attempt = (this.desk.attempts.get(event.ticketId) ?? 0) + 1;
    this.desk.attempts.set(event.ticketId, attempt);
    if (event.ticketId.startsWith('doomed')) throw new Error(`cannot file ${event.ticketId}`);
    if (event.ticketId.startsWith('flaky') && attempt <= 2) throw new Error(`not yet: ${event.ticketId}`);
  }
}

/** Waits on the desk's gate for every ticket: a consumer that falls behind. */
@Observer()
export class SlowObserver {
  constructor(private readonly desk: Desk) {}

  @EventHandler()
  async onOpened(_event: TicketOpened): Promise<void> {
    await this.desk.gate.pass();
  }
}
