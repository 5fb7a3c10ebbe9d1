import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { container } from 'tsyringe';
import { EventoBundle } from '../../src';
import { metricsHandler, PrometheusMetrics } from '../../src/metrics';
import { Desk, OpenTicket, Ticket } from './ticketing';

describe('metricsHandler', () => {
  let bundle: EventoBundle;
  let server: Server;
  let url: string;

  beforeEach(async () => {
    const scope = container.createChildContainer();
    scope.registerInstance(Desk, new Desk());
    bundle = await EventoBundle.builder()
      .setBundleId('desk')
      .setComponents([Ticket])
      .setContainer(scope)
      .setMetrics(new PrometheusMetrics())
      .start();
    server = createServer(metricsHandler(bundle));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
  });

  afterEach(async () => {
    await new Promise((resolve) => server.close(resolve));
    await bundle.stop();
  });

  it('answers a scrape over HTTP with the Prometheus text of the bundle', async () => {
    for (const id of ['a', 'b', 'c']) await bundle.commandGateway.send(new OpenTicket(id));
    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(await response.text()).toContain(
      'evento_handler_calls_total{bundle="desk",kind="aggregateCommand",component="Ticket",handler="open",payload="OpenTicket"} 3\n',
    );
    const head = await fetch(url, { method: 'HEAD' });
    expect([head.status, await head.text()]).toEqual([200, '']);
  });

  it('refuses other methods with 405, and answers 500 naming the cause once the bundle stopped', async () => {
    const posted = await fetch(url, { method: 'POST' });
    expect([posted.status, posted.headers.get('allow')]).toEqual([405, 'GET, HEAD']);
    await bundle.stop();
    const stopped = await fetch(url);
    expect(stopped.status).toBe(500);
    expect(await stopped.text()).toContain("metrics() on bundle 'desk', which is stopped");
  });
});
