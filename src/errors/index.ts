export { ErrorCode } from './codes';
export { EventoError, isRetriable, type EventoErrorOptions } from './eventoError';
export * from './errors';
export { describeErrorContext, type ErrorContext } from './errorContext';
