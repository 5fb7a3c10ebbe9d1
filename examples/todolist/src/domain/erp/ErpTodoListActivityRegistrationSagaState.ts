import { SagaState } from 'evento-ts';

// #region saga-state
/** One saga instance per todo list: how many contributions each user made to it. */
export class ErpTodoListActivityRegistrationSagaState extends SagaState {
  contributions: Record<string, number> = {};

  contribute(user: string): void {
    this.contributions = { ...this.contributions, [user]: (this.contributions[user] ?? 0) + 1 };
  }
}
// #endregion saga-state
