/**
 * Base of a saga instance's state. Associations link the instance to values found on events
 * (`associationProperty`); `setEnded(true)` ends the saga and deletes the instance.
 */
export class SagaState {
  ended = false;
  associations: Record<string, string> = {};

  isEnded(): boolean {
    return this.ended === true;
  }

  setEnded(ended: boolean): void {
    this.ended = ended;
  }

  setAssociation(property: string, value: string): void {
    this.associations = { ...this.associations, [property]: String(value) };
  }

  getAssociation(property: string): string | undefined {
    return this.associations?.[property];
  }

  unsetAssociation(property: string): void {
    const { [property]: _removed, ...rest } = this.associations ?? {};
    this.associations = rest;
  }
}
