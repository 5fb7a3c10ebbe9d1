import type { DependencyContainer } from 'tsyringe';
import type { MessageBus } from '../bus/messageBus';
import type { BundleMetrics } from './bundleMetrics';
import type { ErrorContext } from '../errors';
import type { DispatchInterceptor, DispatchInterceptorFn } from '../gateway/dispatchInterceptor';
import type { RegisteredHandlerInterceptor } from '../handling/handlerInterceptor';
import type { TracingAgent } from '../tracing/tracingAgent';
import type { Class } from '../internal/types';
import type { EventRelay } from '../consumers/eventRelay';
import type { ConsumerStateStore } from '../stores/consumerStateStore';
import type { EventStore } from '../stores/eventStore';

/** Everything the builder collected; the bundle fills in defaults. */
export interface BundleConfig {
  bundleId: string;
  instanceId: string | undefined;
  bundleVersion: string | undefined;
  stopTimeoutMs: number;
  components: unknown[];
  basePackages: string[];
  payloads: Class[];
  /** Application error classes re-created as themselves when a remote handler throws them. */
  errors: Class[];
  /** Whether errors this bundle's handlers throw cross the bus with their stack. Default false. */
  shareErrorStacks: boolean;
  eventStore: EventStore | undefined;
  consumerStateStore: ConsumerStateStore | undefined;
  messageBus: MessageBus | undefined;
  container: DependencyContainer | undefined;
  /** Times a command is decided again after a conflict with another writer. Default 10. */
  commandConflictRetries: number;
  /** States kept per aggregate class between commands, unless `@Aggregate({ cacheSize })` says otherwise. Default 10,000. */
  aggregateCacheSize: number;
  /** Default timeout of gateway calls in ms. Default 30,000. */
  defaultTimeoutMs: number;
  /** How long a consumer lease lasts unless renewed (renewed every third of it). Default 15,000. */
  leaseTtlMs: number;
  /** Event relays, each run as a consumer of its own (`addEventRelay`). */
  relays: EventRelay[];
  /** Handler interceptors, in registration order. */
  handlerInterceptors: RegisteredHandlerInterceptor[];
  /** Dispatch interceptors, in registration order. */
  dispatchInterceptors: (DispatchInterceptor | DispatchInterceptorFn)[];
  /** Metadata keys a message sent while handling another takes over from it. */
  propagatedMetadataKeys: readonly string[];
  /** Metrics to attach to the bundle (`setMetrics`); none by default. */
  metrics: BundleMetrics | undefined;
  /** The tracing agent; undefined: none (nothing is traced, nothing is spent). */
  tracingAgent: TracingAgent | undefined;
  /** Called with failures the framework handles itself (a consumer's retries, a failed snapshot). */
  onError: (error: unknown, where: ErrorContext) => void;
}
