import { TODO_IDENTIFIER_PATTERN, TODO_LIST_IDENTIFIER_PATTERN } from '../domain/todolist/identifiers';
import { errorBodySchema } from './errors';

/** JSON schemas of the HTTP API: Fastify validates requests and serializes responses with them. */

export const listParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', pattern: TODO_LIST_IDENTIFIER_PATTERN } },
} as const;

export const todoParams = {
  type: 'object',
  required: ['id', 'todoId'],
  properties: {
    id: { type: 'string', pattern: TODO_LIST_IDENTIFIER_PATTERN },
    todoId: { type: 'string', pattern: TODO_IDENTIFIER_PATTERN },
  },
} as const;

export const searchQuerystring = {
  type: 'object',
  additionalProperties: false,
  properties: {
    nameLike: { type: 'string', maxLength: 100, default: '' },
    page: { type: 'integer', minimum: 0, maximum: 10000, default: 0 },
    size: { type: 'integer', minimum: 1, maximum: 50, default: 10 },
  },
} as const;

// #region body-schemas
export const createListBody = {
  type: 'object',
  required: ['name'],
  additionalProperties: false,
  properties: { name: { type: 'string', minLength: 1, maxLength: 100 } },
} as const;

export const addTodoBody = {
  type: 'object',
  required: ['content'],
  additionalProperties: false,
  properties: { content: { type: 'string', minLength: 1, maxLength: 200 } },
} as const;
// #endregion body-schemas

const dateTime = { type: 'string', format: 'date-time' } as const;

const todoView = {
  type: 'object',
  properties: {
    identifier: { type: 'string' },
    content: { type: 'string' },
    completed: { type: 'boolean' },
    createdBy: { type: 'string' },
    completedBy: { type: ['string', 'null'] },
    createdAt: dateTime,
    completedAt: { type: ['string', 'null'], format: 'date-time' },
  },
} as const;

const listItemProperties = {
  identifier: { type: 'string' },
  name: { type: 'string' },
  createdBy: { type: 'string' },
  updatedBy: { type: 'string' },
  createdAt: dateTime,
  updatedAt: dateTime,
} as const;

export const todoListView = {
  type: 'object',
  properties: { ...listItemProperties, todos: { type: 'array', items: todoView } },
} as const;

export const todoListListItemViews = {
  type: 'array',
  items: { type: 'object', properties: listItemProperties },
} as const;

export const created = {
  type: 'object',
  required: ['identifier'],
  properties: { identifier: { type: 'string' } },
} as const;

/** The error responses every route may give. */
export const errors = {
  400: errorBodySchema,
  401: errorBodySchema,
  404: errorBodySchema,
  409: errorBodySchema,
  422: errorBodySchema,
  500: errorBodySchema,
  503: errorBodySchema,
} as const;
