/**
 * The names of the metrics `PrometheusMetrics` collects, stable: dashboards and alerts match on
 * them. docs/observability.md describes each, with its labels.
 */
export const EventoMetricNames = {
  /** Handler calls (command, query, event, invocation handlers), failed ones included. */
  handlerCalls: 'evento_handler_calls_total',
  /** Handler calls that threw or rejected. */
  handlerErrors: 'evento_handler_errors_total',
  /** How long handler calls took, in seconds (interceptors included). */
  handlerDuration: 'evento_handler_duration_seconds',
  /** Events in the store after a consumer's offset. */
  consumerLagEvents: 'evento_consumer_lag_events',
  /** Age in seconds of the oldest event a consumer has not handled yet; 0 when caught up. */
  consumerLagSeconds: 'evento_consumer_lag_seconds',
  /** Events per batch a consumer fetched and handled. */
  consumerBatchSize: 'evento_consumer_batch_size',
  /** A consumer's handler calls repeated after a failure (attempt 2 and later). */
  consumerRetries: 'evento_consumer_retries_total',
  /** Events waiting in a consumer's dead events. */
  consumerDeadEvents: 'evento_consumer_dead_events',
  /** Commands being handled by the bundle instance now. */
  commandsInFlight: 'evento_commands_in_flight',
  /** Queries being answered by the bundle instance now. */
  queriesInFlight: 'evento_queries_in_flight',
  /** Commands and queries sent by the bundle's gateways that got no answer in time. */
  busTimeouts: 'evento_bus_timeouts_total',
  /** Commands decided again after another writer appended to their aggregate first. */
  aggregateConflictRetries: 'evento_aggregate_conflict_retries_total',
} as const;
