import { ErpService } from './domain/erp/ErpService';
import { ErpTodoListActivityRegistrationSaga } from './domain/erp/ErpTodoListActivityRegistrationSaga';
import { NotificationService } from './domain/notification/NotificationService';
import { TodoListNotificationObserver } from './domain/notification/TodoListNotificationObserver';
import { TodoListAggregate } from './domain/todolist/TodoListAggregate';
import { TodoListInvoker } from './domain/todolist/TodoListInvoker';
import { TodoListProjection } from './domain/todolist/TodoListProjection';
import { TodoListProjector } from './domain/todolist/TodoListProjector';

// #region components
/** Every component of the TodoList bundle. */
export const todoListComponents = [
  TodoListAggregate,
  TodoListProjector,
  TodoListProjection,
  TodoListInvoker,
  TodoListNotificationObserver,
  NotificationService,
  ErpTodoListActivityRegistrationSaga,
  ErpService,
];
// #endregion components
