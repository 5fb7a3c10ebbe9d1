/**
 * Every error code the framework raises. Codes are stable: match on them, never on messages.
 * docs/errors.md lists each one with its cause and fix; a test keeps the two in step.
 */
export const ErrorCode = {
  Configuration: 'EVENTO_CONFIGURATION',
  ComponentDefinition: 'EVENTO_COMPONENT_DEFINITION',
  PayloadNameConflict: 'EVENTO_PAYLOAD_NAME_CONFLICT',
  UnknownPayload: 'EVENTO_UNKNOWN_PAYLOAD',
  Serialization: 'EVENTO_SERIALIZATION',
  InvalidArgument: 'EVENTO_INVALID_ARGUMENT',
  NoHandler: 'EVENTO_NO_HANDLER',
  Timeout: 'EVENTO_TIMEOUT',
  HandlerReturn: 'EVENTO_HANDLER_RETURN',
  Concurrency: 'EVENTO_CONCURRENCY',
  AggregateNotInitialized: 'EVENTO_AGGREGATE_NOT_INITIALIZED',
  AggregateInitialized: 'EVENTO_AGGREGATE_INITIALIZED',
  AggregateDeleted: 'EVENTO_AGGREGATE_DELETED',
  BundleState: 'EVENTO_BUNDLE_STATE',
  StoreUnavailable: 'EVENTO_STORE_UNAVAILABLE',
  TransientConsumer: 'EVENTO_TRANSIENT_CONSUMER',
  LeaseLost: 'EVENTO_LEASE_LOST',
  ConsumerNotFound: 'EVENTO_CONSUMER_NOT_FOUND',
  DeadEventNotFound: 'EVENTO_DEAD_EVENT_NOT_FOUND',
  BrokerUnavailable: 'EVENTO_BROKER_UNAVAILABLE',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];
