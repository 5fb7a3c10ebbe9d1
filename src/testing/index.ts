/**
 * evento-ts/testing: given-when-then fixtures for aggregates, sagas, projectors and observers,
 * with no store, bundle or timing to set up. They run your components under the runtime's own
 * registry and rules, and fail with a FixtureAssertionError that shows expected versus actual.
 *
 * @module evento-ts/testing
 */
import 'reflect-metadata';

export { AggregateTestFixture } from './aggregateTestFixture';
export { AggregateWhen, AggregateExpectations } from './aggregateResult';
export type { AggregateOutcome } from './aggregateScenario';
export { SagaTestFixture } from './sagaTestFixture';
export { SagaWhen, SagaExpectations } from './sagaResult';
export type { SagaOutcome, SagaInstanceView } from './sagaScenario';
export { ProjectorTestFixture, type ProjectorFixtureOptions } from './projectorTestFixture';
export { ProjectorExpectations } from './projectorResult';
export type { ProjectorOutcome } from './projectorScenario';
export {
  published,
  PublishedEventSpec,
  type PublishedEventOptions,
  type PublishableEvent,
} from './publishedEvents';
export { RecordingGateways, type PayloadClass, type StubAnswer } from './recordingGateways';
export type { ComponentClass, FixtureOptions, Resources } from './components';
export type { HandlerOutcome } from './expectations';
export type { ErrorClass, ErrorExpectation } from './assertions/checks';
export { FixtureAssertionError } from './fixtureAssertionError';
export { deepEqual, differences, type Difference } from './assertions/equality';
export { explainDifference } from './assertions/diff';
export { eventually, type EventuallyOptions } from './eventually';
