/**
 * Metrics of a bundle on prom-client (an optional peer dependency: install `prom-client` to use
 * this entry point): `setMetrics(new PrometheusMetrics())` on the builder, `bundle.metrics()`
 * to read them, `metricsHandler(bundle)` to serve them at `/metrics`.
 *
 * @module evento-ts/metrics
 */
export { PrometheusMetrics, type PrometheusMetricsOptions } from './prometheusMetrics';
export { metricsHandler, type MetricsProvider } from './metricsHandler';
export { EventoMetricNames } from './metricNames';
