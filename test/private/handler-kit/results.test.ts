import { byResourceType } from '../../../src/private/handler-kit';

describe('byResourceType', () => {
  const route = byResourceType<{ ResourceType: string }, string, string>({
    'Custom::KmiA': async (_event, clients) => `a with ${clients}`,
    'Custom::KmiB': async () => 'b',
  });

  test('sends each event to the function of its resource type, with the clients', async () => {
    await expect(route({ ResourceType: 'Custom::KmiA' }, 'clients')).resolves.toBe('a with clients');
    await expect(route({ ResourceType: 'Custom::KmiB' }, 'clients')).resolves.toBe('b');
  });

  test('refuses an unknown type, naming the types served', async () => {
    await expect(route({ ResourceType: 'Custom::Other' }, 'clients'))
      .rejects.toThrow('This handler serves Custom::KmiA and Custom::KmiB, not Custom::Other.');
  });
});
