import { CommandHandler, Service } from 'evento-ts';
import { NotificationSendCommand, NotificationSentEvent } from './api';
import { NotificationSender } from './NotificationSender';

// #region service
/** Sends notifications, and records each one sent as a service event. */
@Service()
export class NotificationService {
  constructor(private readonly sender: NotificationSender) {}

  @CommandHandler()
  async send(command: NotificationSendCommand): Promise<NotificationSentEvent> {
    await this.sender.send(command.recipient, command.body);
    return new NotificationSentEvent(command.recipient, command.body);
  }
}
// #endregion service
