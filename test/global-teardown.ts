/** Stops what global-setup started. */
interface Stoppable {
  stop(): Promise<void>;
}

export default async function globalTeardown(): Promise<void> {
  const servers = (globalThis as Record<string, unknown>).__arrearsServers as { postgres: Stoppable; devServer: Stoppable } | undefined;
  if (!servers) return;
  await servers.devServer.stop();
  await servers.postgres.stop();
}
