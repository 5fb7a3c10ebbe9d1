import { AjvCompiler } from '@fastify/ajv-compiler';
import type { FastifySchemaCompiler } from 'fastify';

/**
 * How requests are checked against their JSON schemas. Fastify's defaults are lenient: they
 * coerce types (`{"name": 42}` becomes "42") and silently drop properties the schema does not
 * allow. Here a body must be exactly what its schema says; the query string and path parameters,
 * which are text by nature, are converted to the declared types, and unknown query parameters are
 * refused (their schemas say `additionalProperties: false`). Failures are 400s in the app's body.
 */
const options = (coerceTypes: boolean) => ({
  customOptions: { coerceTypes, removeAdditional: false, useDefaults: true, allErrors: false },
});
const strict = AjvCompiler()({}, options(false));
const fromText = AjvCompiler()({}, options(true));

export const compileSchema: FastifySchemaCompiler<unknown> = (route) =>
  (route.httpPart === 'body' ? strict : fromText)(route);
