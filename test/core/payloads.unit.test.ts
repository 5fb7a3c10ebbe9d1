import {
  DomainEvent,
  PayloadName,
  PayloadNameConflictError,
  PayloadRegistry,
  UnknownPayloadError,
} from '../../src';

class Line {
  constructor(
    readonly sku: string,
    readonly qty: number,
  ) {}
  total(price: number): number {
    return this.qty * price;
  }
}

class OrderPlaced extends DomainEvent {
  static constructed = 0;
  constructor(
    readonly orderId: string,
    readonly placedAt: Date,
    readonly lines: Line[],
    readonly tags: Set<string>,
    readonly notes: Map<string, Date>,
  ) {
    super();
    OrderPlaced.constructed++;
  }
  lineCount(): number {
    return this.lines.length;
  }
}

describe('payload serialization', () => {
  it('revives a payload as an instance of its class without calling its constructor', () => {
    const registry = new PayloadRegistry();
    registry.register(OrderPlaced);
    registry.register(Line);
    const event = new OrderPlaced(
      'o1',
      new Date('2026-03-04T05:06:07.089Z'),
      [new Line('a', 2)],
      new Set(['x', 'y']),
      new Map([['due', new Date(0)]]),
    );
    const json = registry.serialize(event);
    const before = OrderPlaced.constructed;
    const revived = registry.deserialize<OrderPlaced>('OrderPlaced', json);
    expect(OrderPlaced.constructed).toBe(before);
    expect(revived).toBeInstanceOf(OrderPlaced);
    expect(revived).toBeInstanceOf(DomainEvent);
    expect(revived.lineCount()).toBe(1);
    expect(revived.placedAt).toBeInstanceOf(Date);
    expect(revived.placedAt.toISOString()).toBe('2026-03-04T05:06:07.089Z');
    expect(revived.lines[0]).toBeInstanceOf(Line);
    expect(revived.lines[0]?.total(3)).toBe(6);
    expect(revived.tags).toEqual(new Set(['x', 'y']));
    expect(revived.notes.get('due')).toEqual(new Date(0));
    expect(revived).toEqual(event);
  });

  it('names a payload after its class unless @PayloadName says otherwise', () => {
    @PayloadName('orders.Shipped.v1')
    class Shipped extends DomainEvent {}
    const registry = new PayloadRegistry();
    expect(registry.register(OrderPlaced)).toBe('OrderPlaced');
    expect(registry.register(Shipped)).toBe('orders.Shipped.v1');
    expect(registry.classOf('orders.Shipped.v1')).toBe(Shipped);
  });

  it('refuses two classes with one name, naming both', () => {
    const registry = new PayloadRegistry();
    const first = (() => {
      class Dup extends DomainEvent {}
      return Dup;
    })();
    const second = (() => {
      class Dup extends DomainEvent {}
      return Dup;
    })();
    registry.register(first);
    expect(() => registry.register(second)).toThrow(PayloadNameConflictError);
    expect(() => registry.register(second)).toThrow(/both named 'Dup'.*@PayloadName/);
  });

  it('says which name is unknown when a stored payload has no class', () => {
    const registry = new PayloadRegistry();
    registry.register(OrderPlaced);
    expect(() => registry.deserialize('OrderCancelled', '{}')).toThrow(UnknownPayloadError);
    expect(() => registry.deserialize('OrderCancelled', '{}')).toThrow(
      /'OrderCancelled'.*known: OrderPlaced/,
    );
  });
});
