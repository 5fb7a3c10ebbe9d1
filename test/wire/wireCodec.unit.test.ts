import fc from 'fast-check';
import {
  CommandMessage,
  ErrorRegistry,
  EventoError,
  MalformedMessageError,
  MessageTooLargeError,
  Metadata,
  PayloadRegistry,
  SerializationError,
  ServiceCommand,
  UnknownPayloadError,
  UnsafePayloadError,
  WireCodec,
  ConfigurationError,
} from '../../src';

class Address {
  constructor(readonly city: string) {}
}
class PlaceOrder extends ServiceCommand {
  constructor(
    readonly id: string,
    readonly ship: Address,
    readonly at: Date,
  ) {
    super();
  }
}

const received = new PayloadRegistry();
received.register(PlaceOrder);
received.register(Address);
const receiver = new WireCodec({ payloads: received, maxMessageBytes: 4096 });
const sender = new WireCodec({ payloads: new PayloadRegistry() });

function request(payload: object = new PlaceOrder('o1', new Address('Oslo'), new Date(5))): Uint8Array {
  const metadata = new Metadata({ messageId: 'm-1', correlationId: 'c-1' });
  return sender.encodeRequest(
    new CommandMessage(payload as PlaceOrder, 'PlaceOrder', metadata, new Date(7)),
    {
      deadline: 1_000,
      replyTo: 'here',
    },
  );
}

function envelope(): Record<string, unknown> {
  return JSON.parse(Buffer.from(request()).toString('utf8')) as Record<string, unknown>;
}

function bytes(value: unknown): Uint8Array {
  return Buffer.from(typeof value === 'string' ? value : JSON.stringify(value), 'utf8');
}

const refusals = [
  MalformedMessageError,
  MessageTooLargeError,
  UnsafePayloadError,
  UnknownPayloadError,
  SerializationError,
];

describe('WireCodec', () => {
  it("revives a request with the receiver's classes, nested ones the sender never registered included", () => {
    const decoded = receiver.decodeRequest(request());
    expect(decoded.kind).toBe('command');
    expect(decoded.message.payload).toBeInstanceOf(PlaceOrder);
    expect((decoded.message.payload as PlaceOrder).ship).toBeInstanceOf(Address);
    expect((decoded.message.payload as PlaceOrder).at).toEqual(new Date(5));
    expect(decoded.message.metadata.toRecord()).toEqual({ messageId: 'm-1', correlationId: 'c-1' });
    expect(decoded.message.timestamp).toEqual(new Date(7));
    expect(decoded).toMatchObject({ deadline: 1_000, replyTo: 'here', revision: undefined });
  });

  it('refuses a payload name the receiver does not know, naming it and the fix', () => {
    const error = (() => {
      try {
        new WireCodec({ payloads: new PayloadRegistry() }).decodeRequest(request());
      } catch (e) {
        return e as Error;
      }
    })();
    expect(error).toBeInstanceOf(UnknownPayloadError);
    expect(error?.message).toMatch(/'PlaceOrder'.*registerPayloads/);
  });

  it('refuses __proto__ and constructor keys anywhere, leaving Object.prototype clean', () => {
    const env = envelope();
    const hostile = [
      JSON.stringify(env).replace('"evento":1', '"__proto__":{"polluted":true},"evento":1'),
      JSON.stringify({
        ...env,
        payload: '{"id":"o","ship":{"$type":"Address","__proto__":{"polluted":true}}}',
      }),
      JSON.stringify({ ...env, payload: '{"constructor":{"prototype":{"polluted":true}}}' }),
      JSON.stringify({ ...env, metadata: [['__proto__', 'x']] }),
    ];
    for (const text of hostile) expect(() => receiver.decodeRequest(bytes(text))).toThrow(UnsafePayloadError);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses a forbidden envelope key spelt with \\u escapes, at any depth', () => {
    const env = envelope();
    const hostile = [
      JSON.stringify(env).replace('"evento":1', '"\\u005f_proto__":{"polluted":true},"evento":1'),
      JSON.stringify(env).replace('"evento":1', '"x":[{"a":{"constructo\\u0072":1}}],"evento":1'),
    ];
    for (const text of hostile) expect(() => receiver.decodeRequest(bytes(text))).toThrow(UnsafePayloadError);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    // A metadata key spelt with an escape is a value of the envelope's JSON: the metadata check refuses it.
    const metadata = JSON.stringify(env).replace(
      /"metadata":\[.*?\]\]/,
      '"metadata":[["prototyp\\u0065","x"]]',
    );
    expect(metadata).toContain('prototyp\\u0065');
    expect(() => receiver.decodeRequest(bytes(metadata))).toThrow(UnsafePayloadError);
  });

  it('takes forbidden words and tag-like objects as plain data where they are not keys of a payload', () => {
    const decoded = receiver.decodeRequest(
      request(new PlaceOrder('__proto__', new Address('constructor'), new Date(5))),
    );
    expect(decoded.message.payload).toEqual(
      new PlaceOrder('__proto__', new Address('constructor'), new Date(5)),
    );
    // An unknown envelope field is ignored, even one shaped like a tag: the envelope holds none.
    const env = JSON.stringify(envelope()).replace('"evento":1', '"extra":{"$type":"Nope"},"evento":1');
    expect(receiver.decodeRequest(bytes(env)).message.payload).toBeInstanceOf(PlaceOrder);
  });

  it('refuses malformed bytes, wrong field types and oversized messages with typed errors', () => {
    expect(() => receiver.decodeRequest(Uint8Array.from([0xff, 0xfe]))).toThrow(MalformedMessageError);
    expect(() => receiver.decodeRequest(bytes('{"evento":1,'))).toThrow(MalformedMessageError);
    expect(() => receiver.decodeRequest(bytes({ ...envelope(), deadline: 'soon' }))).toThrow(
      /'deadline' must be/,
    );
    expect(() => receiver.decodeRequest(bytes({ ...envelope(), metadata: { a: 'b' } }))).toThrow(
      MalformedMessageError,
    );
    expect(() => receiver.decodeRequest(bytes({ ...envelope(), evento: 2 }))).toThrow(/version 1/);
    expect(() => receiver.decodeRequest(bytes({ ...envelope(), payload: 'null' }))).toThrow(
      SerializationError,
    );
    expect(() => receiver.decodeRequest(new Uint8Array(4097))).toThrow(MessageTooLargeError);
    const big = new PlaceOrder('x'.repeat(5000), new Address('y'), new Date(0));
    expect(() =>
      receiver.encodeRequest(new CommandMessage(big, 'PlaceOrder', new Metadata(), new Date())),
    ).toThrow(MessageTooLargeError);
  });

  it('defaults the size limit to 1 MiB and refuses a limit that cannot work', () => {
    expect(sender.maxMessageBytes).toBe(1024 * 1024);
    expect(() => new WireCodec({ payloads: received, maxMessageBytes: 10 })).toThrow(ConfigurationError);
  });

  it('sends a stack only when the handler side shares it', () => {
    const failing = new Error('boom');
    const quiet = new WireCodec({ payloads: received }).encodeError('m-1', failing);
    const open = new WireCodec({ payloads: received, shareErrorStacks: true }).encodeError('m-1', failing);
    const stackOf = (b: Uint8Array) => (receiver.decodeReply(b) as { error: Error }).error.stack ?? '';
    expect(stackOf(open)).toBe(failing.stack);
    expect(stackOf(quiet)).not.toContain(failing.stack?.split('\n')[1]);
  });

  it('refuses to register what is not an error class, and a second class of one name', () => {
    expect(() => new ErrorRegistry([class NotAnError {}])).toThrow(ConfigurationError);
    expect(() => new ErrorRegistry([class ConcurrencyError extends Error {}])).toThrow(/framework's own/);
  });

  describe('fuzzing the decoder', () => {
    /** Throws nothing but the typed refusals, and never pollutes Object.prototype. */
    function decodesOrRefuses(input: Uint8Array): void {
      try {
        receiver.decodeRequest(input);
      } catch (error) {
        if (!refusals.some((type) => error instanceof type)) throw error;
        expect(error).toBeInstanceOf(EventoError);
      }
      try {
        receiver.decodeReply(input);
      } catch (error) {
        if (!refusals.some((type) => error instanceof type)) throw error;
      }
      expect(Object.getOwnPropertyNames(Object.prototype)).toEqual(clean);
    }
    const clean = Object.getOwnPropertyNames(Object.prototype);

    it('refuses random bytes and random JSON with typed errors only', () => {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 300 }), (input) => decodesOrRefuses(input)),
        { numRuns: 300 },
      );
      fc.assert(
        fc.property(fc.jsonValue(), (value) => decodesOrRefuses(bytes(value))),
        { numRuns: 300 },
      );
    });

    it('refuses mutated envelopes with typed errors only', () => {
      const keys = [
        'evento',
        'kind',
        'messageId',
        'timestamp',
        'deadline',
        'replyTo',
        'payloadName',
        'revision',
        'metadata',
        'payload',
        'inReplyTo',
        'error',
        '__proto__',
        'constructor',
        '$type',
      ];
      const hostileValue = fc.oneof(
        fc.jsonValue(),
        fc.constantFrom(
          '{"__proto__":{"x":1}}',
          '{"$type":"Nope"}',
          '{"$date":"nope"}',
          '{"ship":{"$map":1}}',
          '[]',
          'null',
        ),
      );
      fc.assert(
        fc.property(
          fc.array(fc.tuple(fc.constantFrom(...keys), hostileValue), { maxLength: 4 }),
          (mutations) => {
            const env = envelope();
            let text = JSON.stringify(env);
            for (const [key, value] of mutations) {
              // Insert as raw text so __proto__ becomes a real JSON key.
              text = text.replace(/^\{/, `{${JSON.stringify(key)}:${JSON.stringify(value)},`);
            }
            decodesOrRefuses(bytes(text));
          },
        ),
        { numRuns: 500 },
      );
    });

    it('decodes every well-formed request it is given back to the payload sent', () => {
      fc.assert(
        fc.property(fc.string(), fc.string(), fc.integer({ min: 0, max: 8.64e15 }), (id, city, time) => {
          const decoded = receiver.decodeRequest(
            request(new PlaceOrder(id, new Address(city), new Date(time))),
          );
          expect(decoded.message.payload).toEqual(new PlaceOrder(id, new Address(city), new Date(time)));
        }),
        { numRuns: 100 },
      );
    });
  });
});
