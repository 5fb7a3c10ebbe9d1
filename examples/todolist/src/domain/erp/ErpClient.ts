/** The ERP system's API. This one writes to the console; an app registers a real client instead. */
export class ErpClient {
  async registerActivity(
    resourceType: string,
    resourceIdentifier: string,
    contributions: Readonly<Record<string, number>>,
  ): Promise<void> {
    const who = Object.entries(contributions).map(([user, count]) => `${user}: ${count}`);
    console.log(`[erp] activity on ${resourceType} ${resourceIdentifier}: ${who.join(', ')}`);
  }
}
