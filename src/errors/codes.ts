/**
 * Every error code the framework raises. Codes are stable: match on them, never on messages.
 * docs/errors.md lists each one with its cause and fix; a test keeps the two in step.
 */
export const ErrorCode = {
  /** ConfigurationError: the builder or a store got settings that cannot work. */
  Configuration: 'EVENTO_CONFIGURATION',
  /** ComponentDefinitionError: the components failed validation at start. */
  ComponentDefinition: 'EVENTO_COMPONENT_DEFINITION',
  /** PayloadNameConflictError: two classes claim one payload name. */
  PayloadNameConflict: 'EVENTO_PAYLOAD_NAME_CONFLICT',
  /** UnknownPayloadError: a payload names a class that is not registered. */
  UnknownPayload: 'EVENTO_UNKNOWN_PAYLOAD',
  /** SerializationError: a payload or state cannot go to JSON and back. */
  Serialization: 'EVENTO_SERIALIZATION',
  /** InvalidArgumentError: a public API got a value it cannot accept. */
  InvalidArgument: 'EVENTO_INVALID_ARGUMENT',
  /** NoHandlerError: no bound bundle handles the command or query. */
  NoHandler: 'EVENTO_NO_HANDLER',
  /** TimeoutError: no answer within the timeout (the handler may still complete). */
  Timeout: 'EVENTO_TIMEOUT',
  /** HandlerReturnError: a handler returned something the framework cannot use. */
  HandlerReturn: 'EVENTO_HANDLER_RETURN',
  /** ConcurrencyError: another writer appended or committed first. */
  Concurrency: 'EVENTO_CONCURRENCY',
  /** AggregateNotInitializedError: a non-init command reached an aggregate with no events. */
  AggregateNotInitialized: 'EVENTO_AGGREGATE_NOT_INITIALIZED',
  /** AggregateInitializedError: an init command reached an existing aggregate. */
  AggregateInitialized: 'EVENTO_AGGREGATE_INITIALIZED',
  /** AggregateDeletedError: a command reached a deleted aggregate. */
  AggregateDeleted: 'EVENTO_AGGREGATE_DELETED',
  /** BundleStateError: the bundle was used before start or after stop. */
  BundleState: 'EVENTO_BUNDLE_STATE',
  /** StoreUnavailableError: the store could not be reached. */
  StoreUnavailable: 'EVENTO_STORE_UNAVAILABLE',
  /** TransientConsumerError: a consumer handler asks for the event to be tried again later. */
  TransientConsumer: 'EVENTO_TRANSIENT_CONSUMER',
  /** LeaseLostError: another instance holds the consumer's lease. */
  LeaseLost: 'EVENTO_LEASE_LOST',
  /** ConsumerNotFoundError: no consumer of that id. */
  ConsumerNotFound: 'EVENTO_CONSUMER_NOT_FOUND',
  /** DeadEventNotFoundError: no dead event of that consumer and sequence number. */
  DeadEventNotFound: 'EVENTO_DEAD_EVENT_NOT_FOUND',
  /** UnsafePayloadError: a payload holds a `__proto__`, `constructor` or `prototype` key. */
  UnsafePayload: 'EVENTO_UNSAFE_PAYLOAD',
  /** UnreadableEventError: a stored event cannot be revived. */
  UnreadableEvent: 'EVENTO_UNREADABLE_EVENT',
  /** PayloadTooLargeError: an event or snapshot exceeds what the database accepts in one statement. */
  PayloadTooLarge: 'EVENTO_PAYLOAD_TOO_LARGE',
  /** IdempotencyKeyConflictError: a command came with an idempotency key another command used. */
  IdempotencyKeyConflict: 'EVENTO_IDEMPOTENCY_KEY_CONFLICT',
  /** BrokerUnavailableError: the message broker cannot be reached. */
  BrokerUnavailable: 'EVENTO_BROKER_UNAVAILABLE',
  /** MalformedMessageError: bytes received as a message are not a well-formed envelope. */
  MalformedMessage: 'EVENTO_MALFORMED_MESSAGE',
  /** MessageTooLargeError: a message is larger than the wire format's limit. */
  MessageTooLarge: 'EVENTO_MESSAGE_TOO_LARGE',
  /** RemoteHandlerError: a remote handler threw an error whose class is not registered here. */
  RemoteHandler: 'EVENTO_REMOTE_HANDLER',
  /** DeliveryError: the request could not be delivered; it was not executed. */
  Delivery: 'EVENTO_DELIVERY',
  /** HandlerLostError: the request was delivered, but its answer can no longer arrive. */
  HandlerLost: 'EVENTO_HANDLER_LOST',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];
