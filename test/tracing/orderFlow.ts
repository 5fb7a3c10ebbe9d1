/**
 * One flow across two bundles on one shared in-process bus and event store, for the tracing
 * tests: an invoker (`@Track`) places an order (bundle "orders", aggregate), a saga in bundle
 * "shipping" marks it shipped (a command back to the aggregate), a projector in "shipping" sees
 * it. With `options.bus` each bundle gets a bus of its own (a KafkaMessageBus in
 * interop.int.test.ts).
 */
import { container } from 'tsyringe';
import {
  Aggregate,
  AggregateCommandHandler,
  AggregateState,
  CommandGateway,
  DomainCommand,
  DomainEvent,
  EventHandler,
  EventoBundle,
  EventSourcingHandler,
  InMemoryEventStore,
  InProcessMessageBus,
  InvocationHandler,
  Invoker,
  Projector,
  Saga,
  SagaEventHandler,
  SagaState,
  Track,
  type MessageBus,
  type TracingAgent,
} from '../../src';

export class PlaceOrder extends DomainCommand {
  constructor(
    readonly orderId: string,
    readonly cardNumber = '4111 1111 1111 1111',
  ) {
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

export class OrderRefusedError extends Error {
  constructor(readonly orderId: string) {
    super(`order ${orderId} is refused`);
    this.name = 'OrderRefusedError';
  }
}

export class OrderState extends AggregateState {}

@Aggregate()
export class Order {
  @AggregateCommandHandler({ init: true })
  place(command: PlaceOrder): OrderPlaced {
    if (command.orderId.startsWith('refused')) throw new OrderRefusedError(command.orderId);
    return new OrderPlaced(command.orderId);
  }

  @AggregateCommandHandler()
  markShipped(command: MarkShipped): OrderMarkedShipped {
    return new OrderMarkedShipped(command.orderId);
  }

  @EventSourcingHandler()
  onPlaced(_event: OrderPlaced): OrderState {
    return new OrderState();
  }

  @EventSourcingHandler()
  onShipped(_event: OrderMarkedShipped): void {}
}

@Invoker()
export class OrderApi {
  constructor(private readonly commands: CommandGateway) {}

  @Track()
  @InvocationHandler()
  async place(orderId: string): Promise<void> {
    await this.commands.send(new PlaceOrder(orderId));
  }
}

@Invoker()
export class UntrackedOrderApi {
  constructor(private readonly commands: CommandGateway) {}

  @InvocationHandler()
  async place(orderId: string): Promise<void> {
    await this.commands.send(new PlaceOrder(orderId));
  }
}

export class ShippingState extends SagaState {}

@Saga()
export class ShippingSaga {
  @SagaEventHandler({ init: true, associationProperty: 'orderId' })
  async onPlaced(event: OrderPlaced, gateway: CommandGateway): Promise<ShippingState> {
    await gateway.send(new MarkShipped(event.orderId));
    const state = new ShippingState();
    state.setEnded(true);
    return state;
  }
}

@Projector()
export class OrderBoard {
  readonly shipped: string[] = [];

  @EventHandler()
  onMarkedShipped(event: OrderMarkedShipped): void {
    this.shipped.push(event.orderId);
  }
}

/** The agent of each bundle, when they differ. */
export interface AgentPerBundle {
  readonly orders: TracingAgent;
  readonly shipping: TracingAgent;
}

/** How the flow's bus carries messages. */
export interface OrderFlowOptions {
  /** Every message crosses the wire format, as between processes (default false). */
  readonly serialize?: boolean;
  /** Gives each bundle a bus of its own (a KafkaMessageBus, say) instead of one shared in-process bus. */
  readonly bus?: () => MessageBus;
}

/** The two bundles, started on one bus and one store, each with its agent. */
export interface OrderFlow {
  readonly orders: EventoBundle;
  readonly shipping: EventoBundle;
  readonly store: InMemoryEventStore;
  untilIdle(): Promise<void>;
  stop(): Promise<void>;
}

export async function startOrderFlow(
  agents: TracingAgent | AgentPerBundle | undefined,
  options: OrderFlowOptions = {},
): Promise<OrderFlow> {
  const shared = new InProcessMessageBus({ serialize: options.serialize ?? false });
  const store = new InMemoryEventStore();
  const start = (bundleId: 'orders' | 'shipping', components: Function[]): Promise<EventoBundle> => {
    const agent = agents !== undefined && 'orders' in agents ? agents[bundleId] : agents;
    const builder = EventoBundle.builder()
      .setBundleId(bundleId)
      .setInstanceId(`${bundleId}-1`)
      .setComponents(components)
      .setEventStore(store)
      .setMessageBus(options.bus?.() ?? shared)
      .setContainer(container.createChildContainer());
    if (agent !== undefined) builder.setTracingAgent(agent);
    return builder.start();
  };
  const orders = await start('orders', [Order, OrderApi, UntrackedOrderApi]);
  const shipping = await start('shipping', [ShippingSaga, OrderBoard]);
  const untilIdle = async (): Promise<void> => {
    // One bundle's consumers may send commands to the other: settle both until neither works.
    for (let i = 0; i < 3; i++) {
      await shipping.untilIdle();
      await orders.untilIdle();
    }
  };
  return {
    orders,
    shipping,
    store,
    untilIdle,
    stop: async () => {
      await shipping.stop();
      await orders.stop();
    },
  };
}
