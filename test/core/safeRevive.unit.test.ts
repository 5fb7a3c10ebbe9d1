import {
  DomainEvent,
  ErrorCode,
  PayloadRegistry,
  SerializationError,
  UnknownPayloadError,
  UnsafePayloadError,
} from '../../src';

class Added extends DomainEvent {
  constructor(
    readonly accountId: string,
    readonly amount: number,
  ) {
    super();
  }
}

class Line {
  constructor(readonly sku: string) {}
  set guarded(_value: unknown) {
    throw new Error('a setter of the class ran during revival');
  }
}

function registry(): PayloadRegistry {
  const payloads = new PayloadRegistry();
  payloads.register(Added);
  payloads.register(Line);
  return payloads;
}

function prototypeIsClean(): boolean {
  const probe = {} as Record<string, unknown>;
  return probe.isAdmin === undefined && !Object.getOwnPropertyNames(Object.prototype).includes('isAdmin');
}

describe('reviving stored payload JSON', () => {
  it.each([
    ['__proto__ at the top', '{"accountId":"a","amount":1,"__proto__":{"isAdmin":true}}', '$.__proto__'],
    ['constructor at the top', '{"accountId":"a","amount":1,"constructor":{"name":"x"}}', '$.constructor'],
    ['prototype at the top', '{"accountId":"a","amount":1,"prototype":{}}', '$.prototype'],
    [
      '__proto__ in a nested object',
      '{"accountId":"a","amount":1,"x":{"y":[{"__proto__":{"isAdmin":1}}]}}',
      '$.x.y[0].__proto__',
    ],
    [
      '__proto__ in a nested class instance',
      '{"accountId":"a","amount":1,"l":{"$type":"Line","__proto__":{}}}',
      '$.l.__proto__',
    ],
    [
      '__proto__ disguised by a \\u escape',
      '{"accountId":"a","amount":1,"\\u005f_proto__":{"isAdmin":true}}',
      '$.__proto__',
    ],
  ])('refuses %s with UnsafePayloadError naming where it is', (_what, json, path) => {
    const payloads = registry();
    let thrown: unknown;
    try {
      payloads.deserialize('Added', json);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(UnsafePayloadError);
    expect(thrown).toMatchObject({ code: ErrorCode.UnsafePayload, context: { path } });
    expect((thrown as Error).message).toContain(path);
    expect(prototypeIsClean()).toBe(true);
  });

  it.each([
    ['null', 'null', /must be a JSON object.*null/],
    ['an array', '[1,2]', /must be a JSON object.*an array/],
    ['a number', '42', /must be a JSON object.*a number/],
    ['a string', '"x"', /must be a JSON object.*a string/],
    ['malformed JSON', '{"accountId":', /malformed/],
    ['a bad $date', '{"accountId":"a","at":{"$date":"yesterday"}}', /\$date at \$\.at must hold an ISO date/],
    [
      'a bad $map',
      '{"accountId":"a","m":{"$map":[1,2]}}',
      /\$map at \$\.m must hold a list of \[key, value\] pairs/,
    ],
    ['a bad $set', '{"accountId":"a","s":{"$set":{}}}', /\$set at \$\.s must hold a list/],
  ])('refuses a payload of %s with SerializationError', (_what, json, message) => {
    expect(() => registry().deserialize('Added', json)).toThrow(SerializationError);
    expect(() => registry().deserialize('Added', json)).toThrow(message);
  });

  it('refuses a nested class name that is not registered with UnknownPayloadError', () => {
    expect(() =>
      registry().deserialize('Added', '{"accountId":"a","amount":1,"l":{"$type":"Evil","x":1}}'),
    ).toThrow(UnknownPayloadError);
  });

  it('refuses tagged nesting deeper than it can walk safely', () => {
    const deep = `{"accountId":"a","x":${'['.repeat(300)}{"$set":[]}${']'.repeat(300)}}`;
    expect(() => registry().deserialize('Added', deep)).toThrow(/nested deeper than 256/);
  });

  it('defines fields on the instance rather than assigning them, so no setter of the class runs', () => {
    const line = registry().deserialize<Line>(
      'Line',
      '{"sku":"a","guarded":1,"x":{"$date":"2020-01-01T00:00:00.000Z"}}',
    );
    expect(line).toBeInstanceOf(Line);
    expect(Object.getOwnPropertyDescriptor(line, 'guarded')?.value).toBe(1);
  });

  it('revives the payload the issue stored, minus the attack, as an instance of its class', () => {
    const added = registry().deserialize<Added>('Added', '{"accountId":"a","amount":1}');
    expect(Object.getPrototypeOf(added)).toBe(Added.prototype);
    expect(added).toEqual(new Added('a', 1));
  });

  it('refuses to store a payload with an own property that could not be read back', () => {
    const added = new Added('a', 1);
    Object.defineProperty(added, '__proto__', { value: { isAdmin: true }, enumerable: true });
    expect(() => registry().serialize(added)).toThrow(UnsafePayloadError);
    const nested = { accountId: 'a', inner: JSON.parse('{"__proto__":{"isAdmin":true}}') as object };
    expect(() => registry().serialize(nested)).toThrow(UnsafePayloadError);
  });
});
