import { STATUS_CODES } from 'node:http';
import { AggregateDeletedError, AggregateNotInitializedError, TimeoutError } from 'evento-ts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  TodoContentBlankError,
  TodoListNameBlankError,
  TodoListNotFoundError,
  TodoListRuleError,
  TodoNotFoundError,
} from '../domain/todolist/api/errors';
import { UnauthenticatedError } from './user';

/** The body of every error response. */
export interface ErrorBody {
  readonly error: string;
  readonly message: string;
  /** The business rule that was broken, for 409 and 422. */
  readonly rule?: string;
}

export const errorBodySchema = {
  type: 'object',
  required: ['error', 'message'],
  properties: { error: { type: 'string' }, message: { type: 'string' }, rule: { type: 'string' } },
} as const;

// #region status
/** The HTTP answer to an error: the status and the body. */
export function errorResponse(error: unknown): { status: number; body: ErrorBody } {
  if (error instanceof TodoListRuleError) {
    const status =
      error instanceof TodoNotFoundError
        ? 404 // the rule names a todo the list does not have
        : error instanceof TodoListNameBlankError || error instanceof TodoContentBlankError
          ? 422 // well-formed, but not acceptable
          : 409; // conflicts with the list as it is now
    return { status, body: { error: error.name, rule: error.rule, message: error.message } };
  }
  if (error instanceof TodoListNotFoundError)
    return { status: 404, body: { error: error.name, message: error.message } };
  if (error instanceof AggregateNotInitializedError || error instanceof AggregateDeletedError) {
    const identifier = error.context.aggregateId;
    const message = `No todo list ${typeof identifier === 'string' ? identifier : ''}`;
    return { status: 404, body: { error: 'TodoListNotFoundError', message } };
  }
  if (error instanceof UnauthenticatedError)
    return { status: 401, body: { error: error.name, message: error.message } };
  if (error instanceof TimeoutError)
    return { status: 503, body: { error: error.name, message: error.message } };
  const status = (error as { statusCode?: unknown }).statusCode;
  if (error instanceof Error && typeof status === 'number' && status >= 400 && status < 500) {
    // Fastify's own: input failing its JSON schema (400, naming the field), an unsupported media type...
    return { status, body: { error: httpErrorName(status), message: error.message } };
  }
  return { status: 500, body: { error: 'InternalServerError', message: 'Something went wrong on our side' } };
}
// #endregion status

/** The name of an HTTP status as the `error` of a body: 413 gives `PayloadTooLarge`. */
function httpErrorName(status: number): string {
  return (STATUS_CODES[status] ?? 'Error').replace(/[^A-Za-z]/g, '');
}

/** Fastify's not-found handler: an unknown route answers 404 in the same body as every error. */
export async function handleNotFound(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const body: ErrorBody = {
    error: 'NotFound',
    message: `No route ${request.method} ${request.url.split('?')[0] ?? ''}`,
  };
  await reply.status(404).send(body);
}

/** Fastify's error handler: answers with `errorResponse`, and logs what is our fault. */
export async function handleError(
  error: unknown,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<void> {
  const { status, body } = errorResponse(error);
  if (status >= 500) request.log.error({ err: error }, 'request failed');
  await reply.status(status).send(body);
}
