/**
 * The local Web UI's codec relay process (relay-server.ts). `npm start` runs it beside the
 * dev server and nowhere else: docker-compose's Temporal UI signs its users in itself.
 */
import { config, localApiUrl } from '../config';
import { logger } from '../logger';
import { buildUiCodecRelay, listenOnLoopback, uiOrigins } from './relay-server';
import { uiSignInFile } from './ui-sign-in';

async function main(): Promise<void> {
  const cfg = config();
  const app = await buildUiCodecRelay({ log: logger, signInFile: uiSignInFile(cfg), codecUrl: `${localApiUrl(cfg)}/codec`, uiOrigins: uiOrigins(cfg.TEMPORAL_UI_PORT) });
  const address = await listenOnLoopback(app, cfg.UI_CODEC_RELAY_PORT);
  logger.info({ address }, 'the Web UI codec relay listens (loopback only)');
  const stop = async (signal: string) => {
    logger.info({ signal }, 'the Web UI codec relay stopping');
    await app.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}

if (require.main === module) {
  main().catch((err) => {
    logger.fatal({ err }, 'the Web UI codec relay failed');
    process.exit(1);
  });
}
