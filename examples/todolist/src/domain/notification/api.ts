import { ServiceCommand, ServiceEvent } from 'evento-ts';

// #region notification-payloads
/** Sends `body` to `recipient`. A service command: it has side effects outside the domain. */
export class NotificationSendCommand extends ServiceCommand {
  constructor(
    readonly recipient: string,
    readonly body: string,
  ) {
    super();
  }
}

/** A notification went out. */
export class NotificationSentEvent extends ServiceEvent {
  constructor(
    readonly recipient: string,
    readonly body: string,
  ) {
    super();
  }
}
// #endregion notification-payloads
