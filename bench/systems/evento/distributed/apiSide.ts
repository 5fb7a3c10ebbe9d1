import { CommandHandler, EventoBundle, Service, ServiceCommand, type MessageBus } from '../../../../src';
import { describeErrorContext } from '../../../../src/errors';

/** The API bundle's own command (a bundle needs a component; the runs never send it). */
export class PingApi extends ServiceCommand {}

@Service()
export class ApiService {
  @CommandHandler()
  ping(_command: PingApi): void {}
}

/** The sending side: the API bundle, whose gateways send to the domain bundle through `bus`. */
export function startApi(bus: MessageBus): Promise<EventoBundle> {
  return EventoBundle.builder()
    .setBundleId('bench-api')
    .setComponents([ApiService])
    .setMessageBus(bus)
    .setErrorHandler((error, where) => console.error(`[bench] ${describeErrorContext(where)}:`, error))
    .start();
}
