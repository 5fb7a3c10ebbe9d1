import { ServiceCommand, ServiceEvent } from 'evento-ts';

// #region erp-payloads
/** Registers in the ERP how many contributions each user made to a resource. */
export class ErpUserActivityRegisterCommand extends ServiceCommand {
  constructor(
    readonly resourceType: string,
    readonly resourceIdentifier: string,
    /** User name to number of contributions. */
    readonly contributions: Readonly<Record<string, number>>,
  ) {
    super();
  }

  /** One registration per resource at a time. */
  override getLockId(): string {
    return `ACT_${this.resourceType}_${this.resourceIdentifier}`;
  }
}

/** The ERP registered the activity on a resource. */
export class ErpUserActivityRegisteredEvent extends ServiceEvent {
  constructor(
    readonly resourceType: string,
    readonly resourceIdentifier: string,
  ) {
    super();
  }
}
// #endregion erp-payloads
