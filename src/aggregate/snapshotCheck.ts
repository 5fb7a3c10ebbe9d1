import { SerializationError } from '../errors';
import { fieldsLostInJson, notSurvivingMessage } from '../messages/json';
import type { PayloadRegistry } from '../messages/payloadRegistry';
import type { AggregateState } from '../model/aggregateState';

/**
 * Throws a SerializationError when `state` holds fields its snapshot would not give back (an
 * instance of an unregistered class, a function): a later load from that snapshot would hand the
 * handlers another value. The test fixtures check the same with the same message.
 */
export function checkSnapshotState(
  aggregate: string,
  snapshotFrequency: number,
  state: AggregateState,
  payloads: PayloadRegistry,
): void {
  const lost = fieldsLostInJson(state, payloads);
  if (lost.length === 0) return;
  throw new SerializationError(
    notSurvivingMessage(
      `The state of ${aggregate} (${state.constructor.name}, snapshotted every ${snapshotFrequency} events)`,
      lost.map((field) => `${field.path}: ${field.becomes}`),
      'EventoBundle.builder().registerPayloads([...])',
    ),
    { context: { aggregate, fields: lost.map((field) => field.path) } },
  );
}
