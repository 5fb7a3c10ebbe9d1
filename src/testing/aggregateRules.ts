/** The fixture's own check of the state a command leaves. */
import type { AggregateState } from '../model/aggregateState';
import type { DomainCommand } from '../messages/payloads';
import type { HandlerDescriptor } from '../registry/descriptors';
import { differences } from './assertions/equality';
import { FixtureAssertionError } from './fixtureAssertionError';

/**
 * Fails when the state a command left (`left`: the state it was given, after the new events were
 * applied to it) differs from the state rebuilt from the stored events: a field was changed
 * outside an @EventSourcingHandler, or a sourcing handler is not deterministic.
 */
export function checkStateChanges(
  handler: HandlerDescriptor,
  command: DomainCommand,
  rebuilt: AggregateState | undefined,
  left: AggregateState | undefined,
): void {
  const found = differences(rebuilt, left);
  if (found.length === 0) return;
  throw new FixtureAssertionError(
    `Illegal state change in ${handler.component.name}.${handler.method} (handling ${command.constructor.name}): ` +
      'the state after the command differs from the state rebuilt from the events.\n' +
      found
        .map(
          (d) =>
            `  ${d.path === '' ? 'state' : d.path}: ${d.actual} after the command, ${d.expected} rebuilt from the events`,
        )
        .join('\n') +
      '\nChange the state only in @EventSourcingHandler methods (a command handler decides and returns events; ' +
      'it does not mutate the state it is given), and keep those handlers deterministic.',
    { expected: rebuilt, actual: left },
  );
}
