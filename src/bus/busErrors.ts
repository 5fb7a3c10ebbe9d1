import { ConfigurationError, DeliveryError, HandlerLostError, NoHandlerError, TimeoutError } from '../errors';
import type { BusRequestOptions } from './messageBus';

/** The request's deadline: the one it carries, else `timeoutMs` from now; none for an infinite timeout. */
export function deadlineOf(options: BusRequestOptions | undefined): number | undefined {
  if (options?.deadline !== undefined) return options.deadline;
  const timeoutMs = options?.timeoutMs;
  return timeoutMs !== undefined && Number.isFinite(timeoutMs) && timeoutMs > 0
    ? Date.now() + timeoutMs
    : undefined;
}

/** The caller stopped waiting at the deadline: the outcome is unknown. */
export function deadlinePassed(
  what: string,
  deadline: number,
  options: BusRequestOptions | undefined,
): TimeoutError {
  return new TimeoutError(
    `${what} got no answer before its deadline (${new Date(deadline).toISOString()}, ${options?.timeoutMs ?? '?'} ms after sending); ` +
      'the outcome is unknown: it may not have run, may have run, or may still complete. ' +
      'Raise the timeout ({ timeoutMs }) or find what keeps the handler busy, and retry only what is safe to repeat.',
    { context: { timeoutMs: options?.timeoutMs, deadline } },
  );
}

/** A send or bind on a closed bus: nothing was delivered. */
export function closedError(action: string): DeliveryError {
  return new DeliveryError(
    `Cannot ${action}: the message bus is closed, so it was not delivered. Send it on a running bus.`,
  );
}

/** Nobody handles the payload: no bound bundle offers it. */
export function noHandlerError(kind: 'command' | 'query', name: string, where: string): NoHandlerError {
  return new NoHandlerError(
    `No handler for the ${kind} '${name}': no started bundle ${where} handles it. ` +
      `Add a component with a handler for ${name} to a bundle, and start that bundle before sending.`,
    { context: { payloadName: name } },
  );
}

/** A second bundle claims a name another bundle already handles. */
export function ownershipConflict(
  kind: 'command' | 'query',
  name: string,
  owner: string,
  intruder: string,
  where: string,
): ConfigurationError {
  return new ConfigurationError(
    `Bundle '${intruder}' handles the ${kind} '${name}', which bundle '${owner}' already handles ${where}; ` +
      `a ${kind} has one handler: remove one of them, or give the two bundles separate buses.`,
    { context: { name, bundles: [owner, intruder] } },
  );
}

/** The caller's bus closed while it waited: the request may have been executed. */
export function closedWhileWaiting(what: string): HandlerLostError {
  return new HandlerLostError(
    `${what} was delivered, but the bus was closed before its answer came; the outcome is unknown ` +
      '(a command may have taken effect). Close the bus only after the requests sent on it ended.',
  );
}
