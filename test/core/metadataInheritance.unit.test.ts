/**
 * Events take over their command's metadata (all but its message id and causation): a hostile
 * key goes along as a key, never as the copy's prototype, so the store still refuses it by name.
 */
import { InMemoryEventStore, InvalidArgumentError, Metadata } from '../../src';
import { PlaceOrder, shopBuilder } from '../handling/shop';

describe('metadata an event inherits', () => {
  it('keeps an own __proto__ key as a key, and the copy’s prototype as it was', () => {
    const hostile = JSON.parse('{"__proto__":{"causationId":"evil"},"a":"1","messageId":"m"}') as Record<
      string,
      string
    >;
    const copy = new Metadata(hostile).toRecordWithout(['messageId']);
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(Object.keys(copy).sort()).toEqual(['__proto__', 'a']);
    expect((copy as Record<string, unknown>).causationId).toBeUndefined();
  });

  it('makes the append of a command sent with a __proto__ key fail by name, appending nothing', async () => {
    const store = new InMemoryEventStore();
    const bundle = await shopBuilder(store).start();
    const metadata = JSON.parse('{"__proto__":"x"}') as Record<string, string>;
    const sent = bundle.commandGateway.send(new PlaceOrder('o1'), metadata);
    await expect(sent).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(sent).rejects.toThrow('__proto__');
    await bundle.stop();
    expect(await store.readAggregate('o1')).toEqual([]);
  });
});
