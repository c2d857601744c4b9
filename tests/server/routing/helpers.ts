/**
 * A real server for the routing, SLA, reports and webhook tests, whose routing/SLA clock the
 * test controls (see seed.ts for the clock and for seeding conversations).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { createChatbridge, type Chatbridge, type ChannelFactory } from '../../../server/app.js';
import { defaultChannels } from '../../../server/channels.js';
import { loadConfig } from '../../../server/config/config.js';
import type { OperationsOptions } from '../../../server/routing/operations.js';
import { ADMIN_EMAIL, ADMIN_PASSWORD } from '../../helpers/server.js';

export interface OpsServer {
  url: string;
  chatbridge: Chatbridge;
  stop(): Promise<void>;
}

/** The real server on a random port and a temporary database, with routing/SLA options. */
export async function startOpsServer(
  options: { env?: Record<string, string>; operations?: OperationsOptions; /** Default: the shipped adapters. */ channels?: ChannelFactory[] } = {},
): Promise<OpsServer> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'chatbridge-ops-'));
  const config = loadConfig({
    HOST: '127.0.0.1',
    PORT: '0',
    DATABASE_PATH: path.join(dir, 'test.db'),
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
    outbox: { pollMs: 100, baseDelayMs: 50 },
    operations: { sweepMs: 60_000, slaCheckMs: 60_000, feedPollMs: 50, ...options.operations },
  });
  const url = await chatbridge.start();
  return {
    url,
    chatbridge,
    async stop() {
      await chatbridge.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
