import { CommandHandler, Service } from 'evento-ts';
import { ErpUserActivityRegisterCommand, ErpUserActivityRegisteredEvent } from './api';
import { ErpClient } from './ErpClient';

// #region service
/** The ERP's side of the system: registers user activity there. */
@Service()
export class ErpService {
  constructor(private readonly erp: ErpClient) {}

  @CommandHandler()
  async register(command: ErpUserActivityRegisterCommand): Promise<ErpUserActivityRegisteredEvent> {
    await this.erp.registerActivity(command.resourceType, command.resourceIdentifier, command.contributions);
    return new ErpUserActivityRegisteredEvent(command.resourceType, command.resourceIdentifier);
  }
}
// #endregion service
