/** Stops what global-setup started and removes the run's throw-away folder. */
import fs from 'node:fs';

interface Stoppable {
  stop(): Promise<void>;
}

export default async function globalTeardown(): Promise<void> {
  const servers = (globalThis as Record<string, unknown>).__arrearsServers as { postgres: Stoppable; devServer: Stoppable; provider: Stoppable; runDir: string } | undefined;
  if (!servers) return;
  await servers.provider.stop();
  await servers.devServer.stop();
  await servers.postgres.stop();
  fs.rmSync(servers.runDir, { recursive: true, force: true });
}
