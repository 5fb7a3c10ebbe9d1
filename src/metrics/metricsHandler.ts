import type { IncomingMessage, ServerResponse } from 'node:http';
import type { MetricsReport } from '../bundle/bundleMetrics';

/** What {@link metricsHandler} serves: an `EventoBundle` with `setMetrics`. */
export interface MetricsProvider {
  /** The metrics now. */
  metrics(): Promise<MetricsReport>;
}

/**
 * A plain Node HTTP handler answering a Prometheus scrape with `bundle.metrics()`: mount it at
 * `/metrics` of `http.createServer`, or in Fastify with `reply.hijack()` and the raw request and
 * response. Answers GET and HEAD (405 otherwise), 500 with the error's message when the metrics
 * cannot be read (the bundle stopped, a store is down).
 */
export function metricsHandler(bundle: MetricsProvider): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => void serve(bundle, req, res);
}

async function serve(bundle: MetricsProvider, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' });
    res.end('Method not allowed: scrape /metrics with GET.\n');
    return;
  }
  try {
    const report = await bundle.metrics();
    res.writeHead(200, { 'content-type': report.contentType });
    res.end(report.text); // Node sends no body to a HEAD request
  } catch (error) {
    res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
    res.end(`Cannot read the metrics: ${error instanceof Error ? error.message : String(error)}\n`);
  }
}
