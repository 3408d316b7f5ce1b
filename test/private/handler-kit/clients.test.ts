import { EC2Client } from '@aws-sdk/client-ec2';
import { KMSClient } from '@aws-sdk/client-kms';
import { defaultClients, SDK_CLIENT_CONFIG, SYSTEM_CLOCK } from '../../../src/private/handler-kit';

describe('defaultClients', () => {
  test('makes each client asked for with the one retry policy: the standard strategy, 8 attempts', async () => {
    const clients = defaultClients({ kms: KMSClient, ec2: EC2Client });
    for (const client of [clients.kms, clients.ec2]) {
      expect(await client.config.maxAttempts()).toBe(8);
      expect(((await client.config.retryStrategy()) as { mode?: string }).mode).toBe('standard');
    }
    expect(clients.kms).toBeInstanceOf(KMSClient);
    expect(clients.ec2).toBeInstanceOf(EC2Client);
    expect(SDK_CLIENT_CONFIG).toEqual({ maxAttempts: 8, retryMode: 'standard' });
  });

  test('makes only the clients asked for, and gives the system clock', () => {
    const clients = defaultClients({ kms: KMSClient });
    expect(Object.keys(clients).sort()).toEqual(['clock', 'kms']);
    expect(clients.clock).toBe(SYSTEM_CLOCK);
  });
});

describe('SYSTEM_CLOCK', () => {
  test('tells the time and waits', async () => {
    const before = Date.now();
    await SYSTEM_CLOCK.sleep(5);
    expect(SYSTEM_CLOCK.now()).toBeGreaterThanOrEqual(before + 4);
  });
});
