// #region sender
/** Where notifications leave the system. This one writes to the console; an app registers a mail or push sender instead. */
export class NotificationSender {
  async send(recipient: string, body: string): Promise<void> {
    console.log(`[notification] to ${recipient}: ${body}`);
  }
}
// #endregion sender
