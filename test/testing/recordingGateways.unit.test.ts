import { Multiple, NoHandlerError, InvalidArgumentError } from 'evento-ts';
import { RecordingGateways } from 'evento-ts/testing';
import { AccountView, CreditTransfer, Deposit, ListAccounts, Withdraw } from '../domain/bank';
import { DepositFor } from '../domain/bankConsumers';

describe('RecordingGateways', () => {
  it('records commands with their metadata and answers undefined when not stubbed', async () => {
    const gateways = new RecordingGateways();
    await expect(
      gateways.commandGateway.send(new Deposit('a1', 5), { user: 'ann' }),
    ).resolves.toBeUndefined();
    expect(gateways.dispatchedCommands).toEqual([new Deposit('a1', 5)]);
    const [message] = gateways.dispatchedCommandMessages;
    expect(message?.metadata.get('user')).toBe('ann');
    expect(message?.payloadName).toBe('Deposit');
    expect(message?.metadata.correlationId).not.toBe('');
  });

  it('answers stubbed commands with a value, an error, or a function; a stub covers subclasses', async () => {
    const gateways = new RecordingGateways()
      .onCommand(Deposit, (c) => `deposited ${c.amount}`)
      .onCommand(Withdraw, new RangeError('frozen'))
      .onCommand(CreditTransfer, 'credited');
    await expect(gateways.commandGateway.send(new Deposit('a1', 5))).resolves.toBe('deposited 5');
    await expect(gateways.commandGateway.send(new DepositFor('a1', 7))).resolves.toBe('deposited 7');
    await expect(gateways.commandGateway.send(new Withdraw('a1', 5))).rejects.toThrow('frozen');
    await expect(gateways.commandGateway.send(new CreditTransfer('a1', 1, 't'))).resolves.toBe('credited');
    expect(gateways.dispatchedCommands).toHaveLength(4);
  });

  it('answers stubbed queries and fails unstubbed ones with NoHandlerError', async () => {
    const gateways = new RecordingGateways();
    await expect(gateways.queryGateway.query(new ListAccounts())).rejects.toBeInstanceOf(NoHandlerError);
    gateways.onQuery(ListAccounts, Multiple.of([new AccountView('a1', 'ann', 1)]));
    const response = await gateways.queryGateway.query(new ListAccounts());
    expect(response.data).toEqual([new AccountView('a1', 'ann', 1)]);
    expect(gateways.sentQueries).toEqual([new ListAccounts(), new ListAccounts()]);
  });

  it('checks what is sent as the real gateway does, and clear() forgets what was sent', async () => {
    const gateways = new RecordingGateways();
    await expect(gateways.commandGateway.send({})).rejects.toBeInstanceOf(InvalidArgumentError);
    await gateways.commandGateway.send(new Deposit('a1', 1));
    gateways.clear();
    expect(gateways.dispatchedCommands).toEqual([]);
  });
});
