/** A small domain for the Kafka example: stock of items, kept by an aggregate, read by a projection. */
import {
  Aggregate,
  AggregateCommandHandler,
  AggregateState,
  DomainCommand,
  DomainEvent,
  EventHandler,
  EventSourcingHandler,
  Projection,
  Projector,
  Query,
  QueryHandler,
  Single,
} from 'evento-ts';
import { inject, singleton } from 'tsyringe';

export class RegisterItem extends DomainCommand {
  constructor(readonly item: string) {
    super();
  }
  getAggregateId(): string {
    return this.item;
  }
}

export class ItemRegistered extends DomainEvent {
  constructor(readonly item: string) {
    super();
  }
}

export class AddStock extends DomainCommand {
  constructor(
    readonly item: string,
    readonly quantity: number,
  ) {
    super();
  }
  getAggregateId(): string {
    return this.item;
  }
}

export class StockAdded extends DomainEvent {
  constructor(
    readonly item: string,
    readonly quantity: number,
    readonly total: number,
  ) {
    super();
  }
}

export class StockState extends AggregateState {
  constructor(readonly total = 0) {
    super();
  }
}

@Aggregate()
export class Stock {
  @AggregateCommandHandler({ init: true })
  register(command: RegisterItem): ItemRegistered {
    return new ItemRegistered(command.item);
  }

  @AggregateCommandHandler()
  add(command: AddStock, state: StockState): StockAdded {
    return new StockAdded(command.item, command.quantity, state.total + command.quantity);
  }

  @EventSourcingHandler()
  onRegistered(_event: ItemRegistered): StockState {
    return new StockState(0);
  }

  @EventSourcingHandler()
  onAdded(event: StockAdded): StockState {
    return new StockState(event.total);
  }
}

export class GetStock extends Query<Single<number>> {
  constructor(readonly item: string) {
    super();
  }
}

/** The read side: totals per item, in memory (one per bundle instance). */
@singleton()
export class StockLevels {
  readonly totals = new Map<string, number>();
}

@Projector()
export class StockProjector {
  constructor(@inject(StockLevels) private readonly levels: StockLevels) {}

  @EventHandler()
  onAdded(event: StockAdded): void {
    this.levels.totals.set(event.item, event.total);
  }
}

@Projection()
export class StockProjection {
  constructor(@inject(StockLevels) private readonly levels: StockLevels) {}

  @QueryHandler()
  get(query: GetStock): Single<number> {
    return Single.of(this.levels.totals.get(query.item) ?? 0);
  }
}
