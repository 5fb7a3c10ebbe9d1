/**
 * Runs one projector (or observer) scenario through the runtime's own HandlerProcessor, with the
 * ProjectorStatus and StoreTransaction the consumer would inject.
 */
import { HandlingPipeline } from '../handling/handlingPipeline';
import { HandlerProcessor } from '../consumers/handlerProcessor';
import type { PayloadRegistry } from '../messages/payloadRegistry';
import type { ComponentDescriptor } from '../registry/descriptors';
import type { StoredEvent } from '../stores/eventStore';
import { count, explainDifference } from './assertions/diff';
import { deepCopy } from './assertions/copy';
import type { ResourceSet } from './components';
import { describeError, type HandlerOutcome } from './expectations';
import { FixtureAssertionError } from './fixtureAssertionError';
import { consumes, FixtureEventStream, type PublishableEvent } from './publishedEvents';
import { RecordingGateways } from './recordingGateways';

/** What the scenario does after the given events. */
export type ProjectorWhen =
  | { readonly kind: 'published'; readonly event: PublishableEvent }
  | { readonly kind: 'replayedTwice'; readonly readModel: (() => unknown) | undefined };

/** Everything one projector scenario needs, fixed when the "when" is called. */
export interface ProjectorScenario {
  readonly descriptor: ComponentDescriptor;
  readonly payloads: PayloadRegistry;
  readonly resources: ResourceSet;
  readonly stubs: readonly ((gateways: RecordingGateways) => void)[];
  readonly givens: readonly PublishableEvent[];
  readonly now: Date | undefined;
  readonly headReached: boolean;
  readonly transaction: unknown;
  readonly when: ProjectorWhen;
}

/** What the event under test (or the replay) did. */
export interface ProjectorOutcome extends HandlerOutcome {
  /** For whenPublished: true when the component has a handler for the event and reads its context. */
  readonly handled: boolean;
}

/** Runs the scenario. */
export async function runProjectorScenario(scenario: ProjectorScenario): Promise<ProjectorOutcome> {
  const { descriptor, payloads } = scenario;
  const gateways = new RecordingGateways(payloads);
  for (const stub of scenario.stubs) stub(gateways);
  const instance = scenario.resources.construct(descriptor, gateways);
  const processor = new HandlerProcessor(descriptor, instance, {
    payloads,
    gateways: { commandGateway: gateways.commandGateway, queryGateway: gateways.queryGateway },
    pipeline: new HandlingPipeline(),
  });
  const stream = new FixtureEventStream(payloads);
  const now = scenario.now ?? new Date();
  const step = {
    consumerId: `fixture:${descriptor.name}`,
    attempt: 1,
    lastAttempt: true,
    headReached: scenario.headReached,
    transaction: scenario.transaction,
  };
  const reads = (stored: StoredEvent): boolean =>
    consumes(descriptor.options.contexts, stored.context) && processor.handles(stored.eventName);
  const handle = async (stored: StoredEvent): Promise<void> => {
    if (reads(stored)) await processor.process(stored, step);
  };
  const givens = scenario.givens.map((given, i) => stream.store(given, now, `given(): event ${i + 1}`));
  const handleGivens = async (pass: string): Promise<void> => {
    for (const [i, stored] of givens.entries()) {
      try {
        await handle(stored);
      } catch (error) {
        throw new FixtureAssertionError(
          `given(): event ${i + 1} (${stored.eventName}) failed in ${descriptor.name}${pass} with ${describeError(error)}; ` +
            'the given events must be handled without error.',
          { cause: error },
        );
      }
    }
  };
  const when = scenario.when;
  if (when.kind === 'replayedTwice') {
    const subject = `${descriptor.name} replaying ${count(givens.length, 'given event')} a second time`;
    await handleGivens('');
    const first = when.readModel === undefined ? undefined : deepCopy(await when.readModel());
    gateways.clear();
    try {
      await handleGivens(' on the second pass');
    } catch (error) {
      const cause = error instanceof FixtureAssertionError ? error.cause : error;
      return {
        subject,
        failed: true,
        error: cause,
        dispatchedCommands: gateways.dispatchedCommands,
        handled: true,
      };
    }
    if (when.readModel !== undefined) {
      const second: unknown = await when.readModel();
      const explanation = explainDifference(first, second);
      if (explanation !== '') {
        throw new FixtureAssertionError(
          `whenReplayedTwice: ${descriptor.name} is not idempotent: the read model after handling the given events twice ` +
            `differs from the read model after handling them once.\n${explanation}\n` +
            'A consumer may see an event again (a retry, a replay); make its handlers upsert rather than add.',
          { expected: first, actual: second },
        );
      }
    }
    return {
      subject,
      failed: false,
      error: undefined,
      dispatchedCommands: gateways.dispatchedCommands,
      handled: true,
    };
  }
  await handleGivens('');
  gateways.clear();
  const stored = stream.store(when.event, now, 'whenPublished()');
  const subject = `${descriptor.name} handling ${stored.eventName}`;
  const handled = reads(stored);
  try {
    await handle(stored);
  } catch (error) {
    return { subject, failed: true, error, dispatchedCommands: gateways.dispatchedCommands, handled };
  }
  return {
    subject,
    failed: false,
    error: undefined,
    dispatchedCommands: gateways.dispatchedCommands,
    handled,
  };
}
