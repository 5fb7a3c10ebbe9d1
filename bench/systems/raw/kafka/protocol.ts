/**
 * The raw Kafka system's topics and messages, written by hand as a service without a framework
 * would: a request topic keyed by account id (12 partitions, a consumer group of the domain
 * instances), one reply topic of one partition for the API process, and JSON values. A request's
 * headers carry its kind, a correlation id and the topic to answer on.
 */
import type { IHeaders } from 'kafkajs';

export const RAW_HEADERS = { kind: 'kind', correlation: 'correlation-id', replyTo: 'reply-to' } as const;

export type RawKind = 'command' | 'query';

/** A request's value: the account, and when it was sent (ms since the epoch). */
export interface RawRequest {
  readonly id: string;
  readonly sentAt: number;
}

/** An answer's value: the command's event sequence number or the balance, or why it failed. */
export type RawAnswer = { readonly result: number } | { readonly error: string };

export const rawTopics = (prefix: string) =>
  ({
    requests: `${prefix}.raw-requests`,
    replies: `${prefix}.raw-replies`,
    domainGroup: `${prefix}.raw-domain`,
    apiGroup: `${prefix}.raw-api`,
  }) as const;

/** A header's text (kafkajs gives a Buffer, a string, an array or nothing). */
export function headerText(headers: IHeaders | undefined, name: string): string | undefined {
  const value = headers?.[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined ? undefined : first.toString();
}
