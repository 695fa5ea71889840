/**
 * `npm run setup`: finds or installs the Temporal CLI and the time-skipping test
 * server without starting anything, and says where each came from. `npm start`
 * and `npm test` do the same on their own; this is for seeing it, or for CI caches.
 */
import { createLogger } from '../logger';
import { ensureTemporalCli, ensureTestServer, type ResolvedTool } from './temporal-tools';

const describe = (tool: ResolvedTool) => (tool.kind === 'binary' ? `${tool.path} (${tool.source}, ${tool.version})` : `SDK download into ${tool.downloadDir}`);

async function main(): Promise<void> {
  const log = createLogger(process.env.LOG_LEVEL ?? 'info', 'setup');
  const began = Date.now();
  const [cli, testServer] = await Promise.all([ensureTemporalCli({ log }), ensureTestServer({ log })]);
  process.stdout.write(`Temporal CLI:         ${describe(cli)}\nTime-skipping server: ${describe(testServer)}\nReady in ${((Date.now() - began) / 1000).toFixed(1)} s\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
