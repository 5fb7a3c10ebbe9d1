/** The account fold every raw path shares: what the event sourcing handlers do, by hand. */
export interface RawState {
  balance: number;
  deposits: number;
  version: number;
}

export interface RawEvent {
  readonly id: string;
  readonly amount?: number;
  readonly sentAt?: number;
}

export function emptyState(): RawState {
  return { balance: 0, deposits: 0, version: 0 };
}

/** Applies one stored event (its name and JSON payload) to `state`. */
export function apply(state: RawState, name: string, payload: string, version: number): RawState {
  const event = JSON.parse(payload) as RawEvent;
  if (name === 'Deposited') {
    state.balance += event.amount ?? 0;
    state.deposits++;
  }
  state.version = version;
  return state;
}

/** The decision: the payload of the new `Deposited` event. */
export function decide(state: RawState, id: string, amount: number, sentAt: number): string {
  if (amount <= 0 || state.balance < 0) throw new Error('cannot deposit');
  return JSON.stringify({ id, amount, sentAt });
}
