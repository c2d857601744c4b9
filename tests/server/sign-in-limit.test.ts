/**
 * Password guessing is slowed down per client address, and a client cannot dodge that by claiming
 * another address in X-Forwarded-For unless TRUST_PROXY says a proxy sets it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config/config.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

describe('the sign-in limit', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => server?.stop());

  it('counts by the connecting address, whatever X-Forwarded-For says', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 14; i++) {
      const res = await fetch(`${server.url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': `203.0.113.${i + 1}` },
        body: JSON.stringify({ email: 'admin@test.local', password: `guess-number-${i}` }),
      });
      statuses.push(res.status);
    }
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(401));
    expect(statuses.slice(10)).toEqual(Array(4).fill(429));
  });

  it('reads TRUST_PROXY as true, false or proxy addresses, and names a wrong value', () => {
    expect(loadConfig({ KB_PATH: 'data/kb' }).trustProxy).toBe(false);
    expect(loadConfig({ KB_PATH: 'data/kb', TRUST_PROXY: 'true' }).trustProxy).toBe(true);
    expect(loadConfig({ KB_PATH: 'data/kb', TRUST_PROXY: '127.0.0.1, 10.0.0.0/8' }).trustProxy).toEqual(['127.0.0.1', '10.0.0.0/8']);
    expect(() => loadConfig({ KB_PATH: 'data/kb', TRUST_PROXY: 'my proxy' })).toThrow(/TRUST_PROXY must be/);
  });
});
