/**
 * The one configuration module: environment variables parsed once with zod.
 * A wrong value stops the process with a message naming the variable.
 * The same names are used by docker-compose.yml.
 */
import { z } from 'zod';
import { canonicalTimeZone } from './domain/time-zones';
import { DEFAULT_DATA_DIR } from './paths';
import { issueLines } from './domain/input-problems';

const port = z.coerce.number().int().min(1).max(65535);
/** An on/off setting spelled `true` or `false`. */
const flag = z.enum(['true', 'false']).default('false').transform((v) => v === 'true');

/** `id=base64Key,id=base64Key`: keys that may still decrypt old payloads after a rotation. */
const previousCodecKeys = z
  .string()
  .default('')
  .transform((raw, ctx) => {
    const keys: { keyId: string; key: string }[] = [];
    for (const entry of raw.split(',').map((s) => s.trim()).filter(Boolean)) {
      const at = entry.indexOf('=');
      if (at <= 0) {
        ctx.addIssue({ code: 'custom', message: 'expected id=base64Key entries separated by commas' });
        return z.NEVER;
      }
      keys.push({ keyId: entry.slice(0, at), key: entry.slice(at + 1) });
    }
    return keys;
  });

/** An IANA zone name, kept in its canonical spelling (the Temporal server is case-sensitive). */
const timeZone = z.string().transform((name, ctx) => {
  const canonical = canonicalTimeZone(name);
  if (!canonical) {
    // the value itself is not repeated: a variable set by mistake may hold a secret (issue 19 §2)
    ctx.addIssue({ code: 'custom', message: 'not an IANA time zone name (e.g. Asia/Shanghai)' });
    return z.NEVER;
  }
  return canonical;
});

export const configSchema = z.object({
  /** External Postgres; when unset the launcher starts an embedded one under the data dir. */
  DATABASE_URL: z.string().url().optional(),
  EMBEDDED_PG_PORT: port.default(54329),
  TEMPORAL_ADDRESS: z.string().min(1).default('localhost:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('arrears'),
  TEMPORAL_UI_PORT: port.default(8233),
  /** A Temporal CLI binary the user already has (skips provisioning). */
  TEMPORAL_CLI_PATH: z.string().min(1).optional(),
  /** A time-skipping test server binary the user already has (skips provisioning). */
  TEMPORAL_TEST_SERVER_PATH: z.string().min(1).optional(),
  API_HOST: z.string().min(1).default('127.0.0.1'),
  API_PORT: port.default(8080),
  /** The address the Temporal Web UI (in the browser) uses to reach the codec endpoint. */
  CODEC_PUBLIC_URL: z.string().url().optional(),
  /**
   * The loopback port of the local Web UI's codec relay (docs/identity-and-access.md): `npm start`
   * runs it beside the dev server only, so that an operator who ran `arrears ui sign-in` reads
   * decoded payloads in the dev server's UI, which cannot sign in itself.
   */
  UI_CODEC_RELAY_PORT: port.default(8092),
  /** Origins allowed to call the codec endpoint (the Temporal Web UI), comma-separated. */
  CODEC_CORS_ORIGINS: z.string().default('http://localhost:8233,http://127.0.0.1:8233'),
  /** AES-256-GCM key, base64 of 32 bytes. Unset: the launcher makes one under the data dir. */
  ARREARS_CODEC_KEY: z.string().optional(),
  ARREARS_CODEC_KEY_ID: z.string().min(1).regex(/^[\w.-]+$/).default('arrears-key-1'),
  ARREARS_CODEC_PREVIOUS_KEYS: previousCodecKeys,
  ARREARS_DATA_DIR: z.string().min(1).default(DEFAULT_DATA_DIR),
  LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
  /** Local time of the daily screening, 24-hour HH:MM, in SCREENING_TIME_ZONE. */
  SCREENING_TIME: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected HH:MM, 24-hour (e.g. 06:00)').default('06:00'),
  /** The zone whose calendar day the screening is for (its as-of date). */
  SCREENING_TIME_ZONE: timeZone.default('Asia/Shanghai'),
  /** The Temporal Schedule's id (one per namespace). */
  SCREENING_SCHEDULE_ID: z.string().min(1).regex(/^[\w.-]+$/).default('arrears-daily-screening'),
  /** Account workflows started or signalled at once by the screening fan-out. */
  SCREENING_START_CONCURRENCY: z.coerce.number().int().min(1).max(512).default(32),
  /** host:port where the worker serves the Temporal SDK's metrics for Prometheus (/metrics); unset: none. */
  WORKER_METRICS_ADDRESS: z.string().regex(/^[\w.-]+:\d+$/, 'expected host:port (e.g. 127.0.0.1:9464)').optional(),
  /**
   * Threads that run workflow code in the worker (the SDK's workflowThreadPoolSize, 1 by
   * default with a reused V8 context). A workflow's activations pass through one thread one
   * at a time, and each call into the sandbox waits on a watchdog thread, so a second
   * thread keeps the CPU busy while the first waits (bench:payments).
   */
  WORKER_WORKFLOW_THREADS: z.coerce.number().int().min(1).max(16).default(2),
  /**
   * Workflow tasks the worker holds at once (maxConcurrentWorkflowTaskExecutions, 40 in the
   * SDK). A cure's task waits on its local activity's Postgres round trip; with 40 in hand
   * the worker stopped polling while tasks queued at the server (bench:payments).
   */
  WORKER_WORKFLOW_TASK_SLOTS: z.coerce.number().int().min(2).max(2000).default(200),
  /**
   * Workflow-task polls the worker keeps open at most, scaled up and down on the server's
   * hints (autoscaling; a fixed 10 in the SDK): one poll carries one task.
   */
  WORKER_WORKFLOW_TASK_POLLERS: z.coerce.number().int().min(2).max(500).default(100),
  /**
   * Runs the worker keeps in its cache (maxCachedWorkflows). Unset, the SDK sizes it from the
   * heap limit (about 600 per GiB: 2,300 on a 4 GiB heap) with no regard to RSS; a bank's
   * book of 100,000 open runs needs a bound. An evicted run is replayed from its history on
   * its next task (bench:worker-memory prints what that costs).
   */
  WORKER_MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(2).max(100_000).optional(),
  /**
   * The OpenID provider whose tokens the API, the codec endpoint and the CLI accept (its
   * discovery document and keys are fetched from here). Unset under `npm start`: the
   * launcher runs the local provider on loopback and sets it.
   */
  OIDC_ISSUER: z.string().url().optional(),
  /** The `aud` every access token must carry (the bank's provider: the API's resource id). */
  OIDC_AUDIENCE: z.string().min(1).default('urn:arrears:api'),
  /** The token claim that lists the caller's roles (AGENT, SUPERVISOR, SERVICE, …). */
  OIDC_ROLES_CLAIM: z.string().min(1).default('roles'),
  /** The local provider's loopback port (npm start). */
  OIDC_LOCAL_PORT: port.default(8091),
  /** The local provider's staff sign-in secret (dev only); unset: the launcher keeps one under the data dir. */
  ARREARS_LOCAL_SIGN_IN_SECRET: z.string().min(16).optional(),
  /** The local provider's demo service client (client-credentials grant): its secret. */
  ARREARS_LOCAL_SERVICE_SECRET: z.string().min(16).optional(),
  /** The local provider's signing key, a private JWK as JSON; unset: kept under the data dir. */
  ARREARS_LOCAL_SIGNING_KEY: z.string().min(1).optional(),
  /** SMTP relay for e-mail reminders; unset: e-mails wait in the email_outbox table. */
  SMTP_HOST: z.string().min(1).optional(),
  SMTP_PORT: port.default(587),
  /** The From header of every e-mail; its domain also names the Message-IDs. */
  SMTP_FROM: z.string().regex(/@[^@\s>]+>?\s*$/, 'an address such as Arrears Bank <no-reply@bank.example>').default('Arrears Bank <no-reply@arrears-bank.example>'),
  /** true: TLS from the first byte (usually port 465); false: STARTTLS when the server offers it. */
  SMTP_SECURE: flag,
  /** true: refuse to send unless the server upgrades with STARTTLS. */
  SMTP_REQUIRE_TLS: flag,
  SMTP_USER: z.string().min(1).optional(),
  SMTP_PASSWORD: z.string().optional(),
  /** Where SMS go: `outbox` (the sms_outbox table a gateway relay drains) or `http` (a POST per message to SMS_HTTP_URL). */
  SMS_PROVIDER: z.enum(['outbox', 'http']).default('outbox'),
  SMS_HTTP_URL: z.string().url().optional(),
  /** Sent as `Authorization: Bearer …` to the SMS gateway. */
  SMS_HTTP_TOKEN: z.string().min(1).optional(),
  /** The key the SMS provider signs its inbound-message webhook with (HMAC-SHA256); unset: POST /sms/inbound answers 503. */
  SMS_INBOUND_SIGNING_KEY: z.string().min(32, 'at least 32 characters').optional(),
  /** Where placement and recall messages to collection agencies go: `outbox` (the agency_outbox table a relay drains) or `http` (a POST per message to AGENCY_HTTP_URL). */
  AGENCY_PROVIDER: z.enum(['outbox', 'http']).default('outbox'),
  AGENCY_HTTP_URL: z.string().url().optional(),
  /** Sent as `Authorization: Bearer …` to the agency endpoint. */
  AGENCY_HTTP_TOKEN: z.string().min(1).optional(),
  /** Where a legal referral's evidence bundle (a ZIP) is stored; unset: legal-bundles under the data dir. */
  LEGAL_BUNDLE_DIR: z.string().min(1).optional(),
}).superRefine((cfg, ctx) => {
  if (cfg.SMS_PROVIDER === 'http' && !cfg.SMS_HTTP_URL) ctx.addIssue({ code: 'custom', path: ['SMS_HTTP_URL'], message: 'required when SMS_PROVIDER=http' });
  if (cfg.AGENCY_PROVIDER === 'http' && !cfg.AGENCY_HTTP_URL) ctx.addIssue({ code: 'custom', path: ['AGENCY_HTTP_URL'], message: 'required when AGENCY_PROVIDER=http' });
});

export type Config = z.infer<typeof configSchema>;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function parseConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(`Invalid configuration:\n  ${issueLines(parsed.error, '(env)').join('\n  ')}`);
  }
  return parsed.data;
}

let cached: Config | undefined;

/** The process's configuration, parsed on first use. */
export function config(): Config {
  cached ??= parseConfig();
  return cached;
}

/** The API on this machine, as the launcher and the codec relay reach it. */
export function localApiUrl(cfg: Pick<Config, 'API_HOST' | 'API_PORT'>): string {
  return `http://${cfg.API_HOST === '0.0.0.0' ? '127.0.0.1' : cfg.API_HOST}:${cfg.API_PORT}`;
}

/** The codec relay's address, which the dev server's Web UI calls (a browser on this machine). */
export const uiCodecRelayUrl = (cfg: Pick<Config, 'UI_CODEC_RELAY_PORT'>) => `http://127.0.0.1:${cfg.UI_CODEC_RELAY_PORT}`;

/** The codec endpoint as the browser sees it. */
export function codecPublicUrl(cfg: Config): string {
  return cfg.CODEC_PUBLIC_URL ?? `http://localhost:${cfg.API_PORT}/codec`;
}
