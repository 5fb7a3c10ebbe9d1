import { AjvCompiler } from '@fastify/ajv-compiler';
import type { FastifySchemaCompiler } from 'fastify';

/** Builds the validator of one route part, as Fastify's schema compiler does. */
type Compile = FastifySchemaCompiler<unknown>;

/** A schema compiler with Fastify's own Ajv setup, but which never drops properties. */
function compiler(coerceTypes: boolean): Compile {
  const customOptions = { coerceTypes, removeAdditional: false, useDefaults: true, allErrors: false };
  return AjvCompiler()({}, { customOptions }) as unknown as Compile;
}

const strict = compiler(false);
const fromText = compiler(true);

/**
 * How requests are checked against their JSON schemas. Fastify's defaults are lenient: they
 * coerce types (`{"name": 42}` becomes "42") and silently drop properties the schema does not
 * allow. Here a body must be exactly what its schema says; the query string and path parameters,
 * which are text by nature, are converted to the declared types, and unknown query parameters are
 * refused (their schemas say `additionalProperties: false`). Failures are 400s in the app's body.
 */
export const compileSchema: Compile = (route) => (route.httpPart === 'body' ? strict : fromText)(route);
