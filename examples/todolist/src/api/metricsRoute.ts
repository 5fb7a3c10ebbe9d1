import type { FastifyInstance } from 'fastify';
import { metricsHandler, type MetricsProvider } from 'evento-ts/metrics';

// #region metrics-route
/** `GET /metrics`: the bundle's metrics for a Prometheus scrape, served by evento's plain Node handler. */
export function registerMetricsRoute(app: FastifyInstance, bundle: MetricsProvider): void {
  const scrape = metricsHandler(bundle);
  app.get('/metrics', (request, reply) => {
    reply.hijack(); // the handler writes the raw response itself
    scrape(request.raw, reply.raw);
  });
}
// #endregion metrics-route
