/** The TodoList web page as its tests use it: the steps a user takes, by the page's test ids. */
import type { Locator, Page } from 'playwright-core';

export class TodoListPage {
  constructor(readonly page: Page) {}

  /** Opens the page at `base` and waits until its change stream is live. */
  async open(base: string): Promise<void> {
    await this.page.goto(base);
    await this.page.getByTestId('live').filter({ hasText: 'live' }).waitFor();
  }

  /** Creates a list and waits until it is shown, in the detail and among the lists. */
  async createList(name: string): Promise<void> {
    await this.page.getByTestId('list-name').fill(name);
    await this.page.getByTestId('create-list').click();
    await this.page.getByTestId('detail-name').filter({ hasText: name }).waitFor();
    await this.list(name).waitFor();
  }

  /** Adds a todo to the shown list, without waiting for it. */
  async addTodo(content: string): Promise<void> {
    await this.page.getByTestId('todo-content').fill(content);
    await this.page.getByTestId('add-todo').click();
  }

  /** The list named `name` among the lists. */
  list(name: string): Locator {
    return this.page.getByTestId('lists').locator('li', { hasText: name });
  }

  /** The identifier of the list named `name`. */
  async listIdentifier(name: string): Promise<string> {
    return (await this.list(name).getAttribute('data-identifier')) ?? '';
  }

  /** The todos of the shown list. */
  todos(): Locator {
    return this.page.getByTestId('todos').locator('li');
  }

  /** The todo of the shown list whose text holds `content`. */
  todo(content: string): Locator {
    return this.todos().filter({ hasText: content });
  }

  /** Checks the todo and waits until it shows as done. */
  async check(content: string): Promise<void> {
    await this.todo(content).getByRole('button', { name: 'Check' }).click();
    await this.page.locator('#todos li.completed', { hasText: content }).waitFor();
  }

  /** Waits until the page shows an error holding `text`. */
  async error(text: string): Promise<void> {
    await this.page.getByTestId('error').filter({ hasText: text }).waitFor();
  }
}
