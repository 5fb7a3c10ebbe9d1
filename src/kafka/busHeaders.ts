/** The Kafka headers of a bus request (the same facts are in the wire envelope; these are read without decoding it). */
export const BusHeaders = {
  /** Where the answer goes: `<reply topic>/<request number>`. */
  replyTo: 'evento-reply-to',
  /** The request's deadline, in ms since the epoch; an expired request is skipped unread. */
  deadline: 'evento-deadline',
  /** The request's message id, to answer even a request that cannot be decoded. */
  messageId: 'evento-message-id',
  /** `command` or `query`. */
  kind: 'evento-kind',
  /** The payload's name. */
  payloadName: 'evento-payload',
} as const;
