/**
 * A small shop with one component of every kind, for the handling pipeline tests: an invoker
 * places an order (aggregate), a saga ships it through a service, a projector and a projection
 * answer for it, an observer sees it shipped.
 */
import {
  Aggregate,
  AggregateCommandHandler,
  AggregateState,
  CommandGateway,
  CommandHandler,
  DomainCommand,
  DomainEvent,
  EventHandler,
  EventoBundle,
  EventoBundleBuilder,
  EventSourcingHandler,
  InvocationHandler,
  InMemoryEventStore,
  Invoker,
  Metadata,
  Observer,
  Projection,
  Projector,
  PublishedEvent,
  Query,
  QueryHandler,
  Saga,
  SagaEventHandler,
  SagaState,
  Service,
  ServiceCommand,
  ServiceEvent,
  Single,
  type EventStore,
} from '../../src';
import { container } from 'tsyringe';

export class PlaceOrder extends DomainCommand {
  constructor(readonly orderId: string) {
    super();
  }
  getAggregateId(): string {
    return this.orderId;
  }
}

export class OrderPlaced extends DomainEvent {
  constructor(readonly orderId: string) {
    super();
  }
}

export class MarkShipped extends DomainCommand {
  constructor(readonly orderId: string) {
    super();
  }
  getAggregateId(): string {
    return this.orderId;
  }
}

export class OrderMarkedShipped extends DomainEvent {
  constructor(readonly orderId: string) {
    super();
  }
}

export class ShipOrder extends ServiceCommand {
  constructor(readonly orderId: string) {
    super();
  }
}

export class OrderShipped extends ServiceEvent {
  constructor(readonly orderId: string) {
    super();
  }
}

export class GetOrder extends Query<Single<string>> {
  constructor(readonly orderId: string) {
    super();
  }
}

export class OrderRefusedError extends Error {
  constructor(readonly orderId: string) {
    super(`order ${orderId} is not paid`);
    this.name = 'OrderRefusedError';
  }
}

export class OrderState extends AggregateState {
  shipped = false;
}

@Aggregate()
export class Order {
  @AggregateCommandHandler({ init: true })
  place(command: PlaceOrder): OrderPlaced {
    if (command.orderId.startsWith('unpaid')) throw new OrderRefusedError(command.orderId);
    return new OrderPlaced(command.orderId);
  }

  @AggregateCommandHandler()
  markShipped(command: MarkShipped, _state: OrderState): OrderMarkedShipped {
    return new OrderMarkedShipped(command.orderId);
  }

  @EventSourcingHandler()
  onPlaced(_event: OrderPlaced): OrderState {
    return new OrderState();
  }

  @EventSourcingHandler()
  onShipped(_event: OrderMarkedShipped, state: OrderState): void {
    state.shipped = true;
  }
}

/** What the consumers saw, shared through the container. */
export class ShopLog {
  readonly statuses = new Map<string, string>();
  readonly metadata: { step: string; metadata: Metadata }[] = [];
  readonly observed: string[] = [];
}

@Service()
export class Shipping {
  constructor(private readonly log: ShopLog) {}

  @CommandHandler()
  ship(command: ShipOrder, metadata: Metadata): OrderShipped {
    this.log.metadata.push({ step: 'Shipping.ship', metadata });
    return new OrderShipped(command.orderId);
  }
}

export class ShippingState extends SagaState {}

@Saga()
export class ShippingSaga {
  constructor(private readonly log: ShopLog) {}

  @SagaEventHandler({ init: true, associationProperty: 'orderId' })
  async onPlaced(
    event: OrderPlaced,
    gateway: CommandGateway,
    message: PublishedEvent,
  ): Promise<ShippingState> {
    this.log.metadata.push({ step: 'ShippingSaga.onPlaced', metadata: message.metadata });
    await gateway.send(new ShipOrder(event.orderId));
    return new ShippingState();
  }

  @SagaEventHandler({ associationProperty: 'orderId' })
  async onShipped(event: OrderShipped, gateway: CommandGateway, state: ShippingState): Promise<void> {
    await gateway.send(new MarkShipped(event.orderId));
    state.setEnded(true);
  }
}

@Projector()
export class OrderProjector {
  constructor(private readonly log: ShopLog) {}

  @EventHandler()
  onPlaced(event: OrderPlaced): void {
    this.log.statuses.set(event.orderId, 'placed');
  }

  @EventHandler()
  onMarkedShipped(event: OrderMarkedShipped, message: PublishedEvent): void {
    this.log.metadata.push({ step: 'OrderProjector.onMarkedShipped', metadata: message.metadata });
    this.log.statuses.set(event.orderId, 'shipped');
  }
}

@Observer()
export class ShippedObserver {
  constructor(private readonly log: ShopLog) {}

  @EventHandler()
  onShipped(event: OrderShipped): void {
    this.log.observed.push(event.orderId);
  }
}

@Projection()
export class Orders {
  constructor(private readonly log: ShopLog) {}

  @QueryHandler()
  get(query: GetOrder): Single<string> {
    return Single.of(this.log.statuses.get(query.orderId) ?? 'unknown');
  }
}

@Invoker()
export class ShopApi {
  constructor(private readonly commands: CommandGateway) {}

  @InvocationHandler()
  async place(orderId: string, metadata?: Record<string, string>): Promise<void> {
    await this.commands.send(new PlaceOrder(orderId), metadata);
  }
}

export const shopComponents = [
  Order,
  Shipping,
  ShippingSaga,
  OrderProjector,
  ShippedObserver,
  Orders,
  ShopApi,
];

/**
 * A builder of the shop bundle (id 'shop', every shop component) on `store`, its ShopLog in a
 * child container of its own; the caller adds what its test is about.
 */
export function shopBuilder(store: EventStore = new InMemoryEventStore()): EventoBundleBuilder {
  const scope = container.createChildContainer();
  scope.registerInstance(ShopLog, new ShopLog());
  return EventoBundle.builder()
    .setBundleId('shop')
    .setComponents(shopComponents)
    .setEventStore(store)
    .setContainer(scope);
}
