/**
 * Sends the Temporal SDK's own logs (worker, workflow `log`, activity `log`) to pino,
 * structured: the SDK adds workflowId, runId, activityId, taskQueue to each record.
 */
import { type LogLevel, type LogMetadata, Runtime, type Logger as TemporalLogger } from '@temporalio/worker';
import type { Logger } from 'pino';

class PinoTemporalLogger implements TemporalLogger {
  constructor(private readonly pino: Logger) {}

  log(level: LogLevel, message: string, meta?: LogMetadata): void {
    const method = level.toLowerCase() as 'trace' | 'debug' | 'info' | 'warn' | 'error';
    this.pino[method]({ ...meta }, message);
  }
  trace(message: string, meta?: LogMetadata): void {
    this.log('TRACE', message, meta);
  }
  debug(message: string, meta?: LogMetadata): void {
    this.log('DEBUG', message, meta);
  }
  info(message: string, meta?: LogMetadata): void {
    this.log('INFO', message, meta);
  }
  warn(message: string, meta?: LogMetadata): void {
    this.log('WARN', message, meta);
  }
  error(message: string, meta?: LogMetadata): void {
    this.log('ERROR', message, meta);
  }
}

let installed = false;

/** Once per process, before any worker or native connection is created. */
export function installTemporalRuntime(log: Logger, { coreLogLevel = 'WARN', metricsAddress }: { coreLogLevel?: 'WARN' | 'ERROR'; metricsAddress?: string } = {}): void {
  if (installed) return;
  // The Rust core's own logs go to stderr at `coreLogLevel`. Not forwarded to pino
  // (telemetryOptions.logging.forward): with forwarding, a process that installed the
  // runtime does not exit, not even on SIGTERM (SDK 1.24).
  Runtime.install({
    logger: new PinoTemporalLogger(log.child({ component: 'temporal' })),
    telemetryOptions: {
      logging: { filter: { core: coreLogLevel, other: 'ERROR' } },
      // The SDK's worker metrics (task latencies, slots, sticky cache) for Prometheus to scrape.
      ...(metricsAddress ? { metrics: { prometheus: { bindAddress: metricsAddress } } } : {}),
    },
  });
  installed = true;
}
