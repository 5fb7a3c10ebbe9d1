/**
 * Base of a saga instance's state. Associations link the instance to values found on events
 * (`associationProperty`); `setEnded(true)` ends the saga and deletes the instance.
 */
export class SagaState {
  /** True once the saga ended; set it with `setEnded`. */
  ended = false;
  /** Property name to value: the associations events are matched against; change them with `setAssociation` and `unsetAssociation`. */
  associations: Record<string, string> = {};

  /** True once `setEnded(true)` was called. */
  isEnded(): boolean {
    return this.ended === true;
  }

  /** Ends the saga (true): after the handler returns, the instance is deleted and later events no longer find it. */
  setEnded(ended: boolean): void {
    this.ended = ended;
  }

  /** Links this instance to `value` under `property`: an event whose handler names `property` as its `associationProperty` and carries `value` finds this instance. One value per property; the value is kept as a string. */
  setAssociation(property: string, value: string): void {
    this.associations = { ...this.associations, [property]: String(value) };
  }

  /** The value associated under `property`, if any. */
  getAssociation(property: string): string | undefined {
    return this.associations?.[property];
  }

  /** Removes the association under `property`: events carrying its value no longer find this instance. */
  unsetAssociation(property: string): void {
    const { [property]: _removed, ...rest } = this.associations ?? {};
    this.associations = rest;
  }
}
