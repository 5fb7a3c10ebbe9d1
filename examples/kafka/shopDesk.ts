import { CommandGateway, InvocationHandler, Invoker, QueryGateway } from 'evento-ts';
import { AddStock, GetStock, RegisterItem } from './inventory';

/** The shop's entry point: what its web routes would call. */
@Invoker()
export class ShopDesk {
  constructor(
    private readonly commandGateway: CommandGateway,
    private readonly queryGateway: QueryGateway,
  ) {}

  @InvocationHandler()
  async register(item: string): Promise<void> {
    await this.commandGateway.send(new RegisterItem(item));
  }

  @InvocationHandler()
  async restock(item: string, quantity: number): Promise<void> {
    await this.commandGateway.send(new AddStock(item, quantity));
  }

  @InvocationHandler()
  async level(item: string): Promise<number> {
    return (await this.queryGateway.query(new GetStock(item))).data;
  }
}
