/**
 * The entry point: `npm start`. Reads the configuration, starts the server, prints where it is.
 * @module
 */
import { createChatbridge } from './app.js';
import { defaultChannels } from './channels.js';
import { ConfigError, loadConfig, loadDotEnv } from './config/config.js';

async function main(): Promise<void> {
  loadDotEnv();
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
  const chatbridge = await createChatbridge(config, { channels: defaultChannels });
  const url = await chatbridge.start();
  const base = process.env.PUBLIC_URL ? config.publicUrl : url;
  const lines = [
    '',
    `chatbridge is running on ${url}`,
    `  demo shop page: ${base}/`,
    `  agent console:  ${base}/console`,
    `  channels:       ${[...chatbridge.channels.keys()].join(', ')}`,
    `  database:       ${config.databasePath}`,
  ];
  if (chatbridge.firstAdmin) {
    lines.push(`  first admin:    ${chatbridge.firstAdmin.email}`);
    lines.push(
      chatbridge.firstAdmin.generatedPassword
        ? `  password:       ${chatbridge.firstAdmin.generatedPassword}   (generated; shown once — change it or set ADMIN_PASSWORD)`
        : '  password:       the one in ADMIN_PASSWORD',
    );
  }
  console.log(lines.join('\n') + '\n');

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    chatbridge.log.info({ signal }, 'shutting down');
    chatbridge.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        chatbridge.log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('unhandledRejection', (err) => chatbridge.log.error({ err }, 'unhandled rejection'));
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
