import type { FastifyRequest } from 'fastify';

/** The request names no user. */
export class UnauthenticatedError extends Error {
  constructor() {
    super(
      "Send the user as 'Authorization: Bearer <user name>' (letters, digits, '.', '_', '@', '-'; at most 64)",
    );
    this.name = 'UnauthenticatedError';
  }
}

// #region user
/**
 * The acting user, from `Authorization: Bearer <user name>`. This tutorial trusts the header; a
 * real app verifies a token here (a JWT, a session) and takes the user from it.
 */
export function userOf(request: FastifyRequest): string {
  const match = /^Bearer ([A-Za-z0-9._@-]{1,64})$/.exec(request.headers.authorization ?? '');
  if (match?.[1] === undefined) throw new UnauthenticatedError();
  return match[1];
}
// #endregion user
