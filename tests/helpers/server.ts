/**
 * Starts the real chatbridge server on a random port with a temporary database.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { createChatbridge, type Chatbridge, type ChannelFactory } from '../../server/app.js';
import { defaultChannels } from '../../server/channels.js';
import { loadConfig } from '../../server/config/config.js';
import type { OutboxOptions } from '../../server/outbox/worker.js';

export const ADMIN_EMAIL = 'admin@test.local';
export const ADMIN_PASSWORD = 'correct-horse-battery';

export interface TestServer {
  url: string;
  chatbridge: Chatbridge;
  dir: string;
  dbPath: string;
  stop(): Promise<void>;
}

export async function startTestServer(
  options: { env?: Record<string, string>; channels?: ChannelFactory[]; outbox?: OutboxOptions; dir?: string } = {},
): Promise<TestServer> {
  const dir = options.dir ?? mkdtempSync(path.join(os.tmpdir(), 'chatbridge-test-'));
  const dbPath = path.join(dir, 'test.db');
  const config = loadConfig({
    HOST: '127.0.0.1',
    PORT: '0',
    DATABASE_PATH: dbPath,
    KB_PATH: 'data/kb',
    ADMIN_EMAIL,
    ADMIN_PASSWORD,
    LOG_LEVEL: 'silent',
    // Most suites claim conversations by hand; the routing suites switch automatic assignment back on.
    ROUTING_AUTO_ASSIGN: 'false',
    ...options.env,
  });
  const chatbridge = await createChatbridge(config, {
    channels: options.channels ?? defaultChannels,
    logger: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
    outbox: { pollMs: 100, baseDelayMs: 50, ...options.outbox },
  });
  const url = await chatbridge.start();
  return {
    url,
    chatbridge,
    dir,
    dbPath,
    async stop() {
      await chatbridge.stop();
      if (!options.dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Waits until `check` returns a truthy value, polling; throws with `what` after `ms`. */
export async function waitFor<T>(check: () => T | Promise<T>, what: string, ms = 10_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
