/**
 * evento-ts: a decorator-based RECQ framework. Aggregates decide, the event store remembers,
 * projectors, sagas and observers react, projections answer.
 *
 * @module evento-ts
 */
import 'reflect-metadata';

// Payloads, messages and state
export {
  Payload,
  Command,
  DomainCommand,
  ServiceCommand,
  Event,
  DomainEvent,
  ServiceEvent,
  Query,
  QueryResponse,
  Single,
  Multiple,
  View,
} from './messages/payloads';
export { Message, CommandMessage, QueryMessage, EventMessage, PublishedEvent } from './messages/messages';
export { Metadata, MetadataKeys, defaultPropagatedMetadataKeys } from './messages/metadata';
export { PayloadRegistry } from './messages/payloadRegistry';
export { AggregateState } from './model/aggregateState';
export { SagaState } from './model/sagaState';

// Decorators
export {
  Aggregate,
  Service,
  Projection,
  Invoker,
  Projector,
  Saga,
  Observer,
  type AggregateOptions,
  type ConsumerOptions,
  type ProjectorOptions,
  type SagaOptions,
  type StartFrom,
} from './decorators/components';
export {
  AggregateCommandHandler,
  EventSourcingHandler,
  CommandHandler,
  QueryHandler,
  EventHandler,
  SagaEventHandler,
  InvocationHandler,
  type HandlerOptions,
  type AggregateCommandHandlerOptions,
  type EventHandlerOptions,
  type SagaEventHandlerOptions,
} from './decorators/handlers';
export { PayloadName } from './decorators/payload';
export { Track } from './decorators/track';

// Bundle and gateways
export { EventoBundle, type BundleStats, type UntilIdleOptions } from './bundle/eventoBundle';
export { EventoBundleBuilder } from './bundle/eventoBundleBuilder';
export { CommandGateway, type SendOptions } from './gateway/commandGateway';
export { QueryGateway } from './gateway/queryGateway';
export { ComponentRegistry } from './registry/componentRegistry';
export type {
  BundleMetrics,
  AttachedMetrics,
  MetricsSource,
  MetricsReport,
  MetricFamily,
  MetricSample,
} from './bundle/bundleMetrics';

// The handling pipeline: interceptors and diagnostics channels
export type { HandlerCall } from './handling/handlerCall';
export type {
  HandlerInterceptor,
  HandlerInterceptorFn,
  HandlerInterceptorOptions,
  HandlerNext,
  PassedOnCall,
} from './handling/handlerInterceptor';
export type { Dispatch, DispatchInterceptor, DispatchInterceptorFn } from './gateway/dispatchInterceptor';
export { EventoChannels, type EventoChannelName } from './diagnostics/channels';
export type { ComponentKind, HandlerKind } from './internal/reflection';
export type { ComponentDescriptor, HandlerDescriptor } from './registry/descriptors';

// Tracing (agents: evento-ts/opentelemetry, evento-ts/sentry)
export type { TracingAgent } from './tracing/tracingAgent';
export {
  SpanAttributes,
  SpanOps,
  spanName,
  spanOp,
  spanAttributes,
  redactedPayload,
  isFinalFailure,
  type Redactor,
  type TracingOptions,
  type SpanAttributeValue,
} from './tracing/spans';

// Consumers
export { ProjectorStatus } from './model/projectorStatus';
export { StoreTransaction } from './model/storeTransaction';
export { consumerId } from './consumers/consumerId';
export { isTransient } from './consumers/failures';
export type { ConsumerReport, DeadEventView } from './consumers/consumerSupervisor';
export type { EventRelay, RelaySettings } from './consumers/eventRelay';

// Ports and their in-memory implementations
export type {
  MessageBus,
  BusEndpoint,
  BusRequestOptions,
  ClusterBundle,
  ClusterInstance,
} from './bus/messageBus';
export { InProcessMessageBus, type InProcessMessageBusOptions } from './bus/inProcessMessageBus';

// The wire format: messages and errors as bytes, for buses between processes
export {
  WireCodec,
  type WireContext,
  type WireCodecOptions,
  type RequestRouting,
  type DecodedRequest,
  type DecodedReply,
  type DecodedResponse,
  type DecodedError,
} from './wire/wireCodec';
export { ErrorRegistry } from './wire/errorRegistry';
export type { WireErrorData } from './wire/remoteErrors';
export {
  DEFAULT_MAX_MESSAGE_BYTES,
  WIRE_FORMAT_VERSION,
  type Envelope,
  type RequestEnvelope,
  type ResponseEnvelope,
  type ErrorEnvelope,
} from './wire/envelope';
export type {
  EventStore,
  StoredEvent,
  EventToAppend,
  AppendRequest,
  StreamQuery,
  Snapshot,
  CommandRecord,
  RecordedCommand,
} from './stores/eventStore';
export { DEFAULT_IDEMPOTENCY_RETENTION_MS } from './stores/eventStore';
export { commandFingerprint, type IdempotencyOptions } from './stores/commandRecords';
export { InMemoryEventStore, type InMemoryEventStoreOptions } from './stores/inMemoryEventStore';
export type {
  ConsumerStateStore,
  ConsumerState,
  ConsumerCommit,
  ConsumerErrorState,
  DeadEvent,
  Lease,
  StoredSagaInstance,
  TransactionalWork,
} from './stores/consumerStateStore';
export {
  InMemoryConsumerStateStore,
  type InMemoryConsumerStateStoreOptions,
} from './stores/inMemoryConsumerStateStore';

// Errors
export * from './errors';
