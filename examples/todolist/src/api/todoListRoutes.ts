import type { FastifyInstance } from 'fastify';
import type { TodoListInvoker } from '../domain/todolist/TodoListInvoker';
import {
  addTodoBody,
  created,
  createListBody,
  errors,
  listParams,
  searchQuerystring,
  todoListListItemViews,
  todoListView,
  todoParams,
} from './schemas';
import { userOf } from './user';

interface ListParams {
  id: string;
}

interface TodoParams {
  id: string;
  todoId: string;
}

/** The TodoList HTTP API: each route validates its input, then calls the invoker. */
export function registerTodoListRoutes(app: FastifyInstance, invoker: TodoListInvoker): void {
  app.get<{ Querystring: { nameLike: string; page: number; size: number } }>(
    '/todo-list',
    { schema: { querystring: searchQuerystring, response: { 200: todoListListItemViews, ...errors } } },
    async (request) => {
      const { nameLike, page, size } = request.query;
      return invoker.searchTodoLists(nameLike, page, size);
    },
  );

  app.get<{ Params: ListParams }>(
    '/todo-list/:id',
    { schema: { params: listParams, response: { 200: todoListView, ...errors } } },
    async (request) => invoker.findTodoList(request.params.id),
  );

  // #region create-route
  app.post<{ Body: { name: string } }>(
    '/todo-list',
    { schema: { body: createListBody, response: { 201: created, ...errors } } },
    async (request, reply) => {
      const identifier = await invoker.createTodoList(request.body.name, userOf(request));
      return reply.status(201).header('location', `/todo-list/${identifier}`).send({ identifier });
    },
  );
  // #endregion create-route

  app.delete<{ Params: ListParams }>(
    '/todo-list/:id',
    { schema: { params: listParams, response: { 204: { type: 'null' }, ...errors } } },
    async (request, reply) => {
      await invoker.deleteTodoList(request.params.id, userOf(request));
      return reply.status(204).send();
    },
  );

  app.post<{ Params: ListParams; Body: { content: string } }>(
    '/todo-list/:id/todo',
    { schema: { params: listParams, body: addTodoBody, response: { 201: created, ...errors } } },
    async (request, reply) => {
      const todoIdentifier = await invoker.addTodo(request.params.id, request.body.content, userOf(request));
      return reply.status(201).send({ identifier: todoIdentifier });
    },
  );

  app.delete<{ Params: TodoParams }>(
    '/todo-list/:id/todo/:todoId',
    { schema: { params: todoParams, response: { 204: { type: 'null' }, ...errors } } },
    async (request, reply) => {
      await invoker.removeTodo(request.params.id, request.params.todoId, userOf(request));
      return reply.status(204).send();
    },
  );

  app.put<{ Params: TodoParams }>(
    '/todo-list/:id/todo/:todoId',
    { schema: { params: todoParams, response: { 204: { type: 'null' }, ...errors } } },
    async (request, reply) => {
      await invoker.checkTodo(request.params.id, request.params.todoId, userOf(request));
      return reply.status(204).send();
    },
  );
}
