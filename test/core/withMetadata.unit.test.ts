import {
  CommandMessage,
  DomainCommand,
  DomainEvent,
  EventMessage,
  Message,
  Metadata,
  PublishedEvent,
  Query,
  QueryMessage,
  Single,
} from '../../src';
import { withMetadata } from '../../src/messages/messages';

class Ping extends DomainCommand {
  getAggregateId(): string {
    return 'a1';
  }
}
class Pinged extends DomainEvent {}
class Pong extends Query<Single<string>> {}

/** A message class of an application's own, with a field of its own. */
class TaggedMessage extends Message {
  readonly tag = 'mine';
}

describe('withMetadata', () => {
  const before = new Metadata({ messageId: 'm1', correlationId: 'c1' });
  const after = before.with('traceparent', 't');
  const at = new Date(0);

  it.each([
    ['a CommandMessage', new CommandMessage(new Ping(), 'Ping', before, at)],
    ['a QueryMessage', new QueryMessage(new Pong(), 'Pong', before, at)],
    ['an EventMessage', new EventMessage(new Pinged(), 'Pinged', before, at)],
    [
      'a PublishedEvent',
      new PublishedEvent(new Pinged(), 'Pinged', before, at, 7, 'a1', 3, 'default', 'e-1'),
    ],
    ['a message of an application class', new TaggedMessage(new Ping(), 'Ping', before, at)],
  ])('copies %s with every field, carrying the new metadata', (_name, message: Message) => {
    const copy = withMetadata(message, after);
    expect(copy).not.toBe(message);
    expect(Object.getPrototypeOf(copy)).toBe(Object.getPrototypeOf(message));
    expect({ ...copy }).toEqual({ ...message, metadata: after });
    expect(copy.metadata.get('traceparent')).toBe('t');
    expect(message.metadata).toBe(before);
  });
});
