/**
 * docker-compose.yml is a valid Compose file and agrees with the code.
 *
 * Validity: `docker compose config` where the compose plugin is installed, otherwise
 * tools/compose-check (the compose-spec reference loader in a small Go program: schema,
 * interpolation, paths, consistency; no Docker engine needed). Agreement: the Arrears
 * services use only variable names src/config.ts knows, their resolved defaults pass
 * its schema, the ports line up, and temporal-setup registers the search attributes
 * that workflows/search-attributes.ts defines.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { configSchema } from '../src/config';
import { ARREARS_SEARCH_ATTRIBUTES } from '../workflows/account/contract/search-attributes';

const ROOT = path.resolve(__dirname, '..');
const COMPOSE_FILE = path.join(ROOT, 'docker-compose.yml');
const COMPOSE_CHECK_DIR = path.join(ROOT, 'tools', 'compose-check');
/** The first `go run` compiles compose-go and its dependencies (about 15 s on 2 cores). */
const CHECK_TIMEOUT_MS = 240_000;
const TEST_TIMEOUT_MS = CHECK_TIMEOUT_MS + 60_000;

const EXPECTED_SERVICES = ['postgres', 'temporal', 'temporal-setup', 'temporal-ui', 'migrate', 'worker', 'api', 'api-gateway'];
const APP_SERVICES = ['migrate', 'worker', 'api'];

/** A well-formed codec key: the compose file requires one (`${ARREARS_CODEC_KEY:?…}`). */
const CODEC_KEY = randomBytes(32).toString('base64');
/** The bank's OpenID provider: the compose file requires one (`${OIDC_ISSUER:?…}`). */
const OIDC_ISSUER = 'https://login.bank.example';
/** The Temporal UI's client at that provider: required too (its OIDC sign-in). */
const UI_CLIENT = { TEMPORAL_UI_CLIENT_ID: 'temporal-ui', TEMPORAL_UI_CLIENT_SECRET: 'ui-secret' };

interface RunResult {
  ok: boolean;
  stdout: string;
  stderr: string;
}

function run(file: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; timeout?: number } = {}): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile(file, args, { cwd: opts.cwd ?? ROOT, env: opts.env ?? process.env, timeout: opts.timeout ?? CHECK_TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ ok: !error, stdout: String(stdout), stderr: String(stderr) || (error ? error.message : '') });
    });
  });
}

let dockerCompose: Promise<boolean> | undefined;
/** Whether the Docker Compose plugin is installed (it needs no engine for `config`). */
function hasDockerCompose(): Promise<boolean> {
  dockerCompose ??= run('docker', ['compose', 'version'], { timeout: 30_000 }).then((r) => r.ok);
  return dockerCompose;
}

/** Validates a compose file; on success `services` lists its service names. */
async function checkCompose(file: string, env: NodeJS.ProcessEnv): Promise<RunResult & { services: string[] }> {
  let result: RunResult;
  if (await hasDockerCompose()) {
    result = await run('docker', ['compose', '-f', file, 'config', '--quiet'], { env });
    if (result.ok) result = await run('docker', ['compose', '-f', file, 'config', '--services'], { env });
  } else {
    // The Go module lives in tools/compose-check (the repo root has no go.mod).
    result = await run('go', ['run', '.', file], { cwd: COMPOSE_CHECK_DIR, env });
  }
  const services = result.ok ? result.stdout.split('\n').map((s) => s.trim()).filter(Boolean) : [];
  return { ...result, services };
}

function envWith(overrides: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...overrides };
  for (const [key, value] of Object.entries(overrides)) if (value === undefined) delete env[key];
  return env;
}

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'arrears-compose-'));
}

// ---- the compose file as data -------------------------------------------------------

type Environment = Record<string, string | number | boolean | null>;
interface Service {
  image?: string;
  build?: unknown;
  command?: string | string[];
  entrypoint?: string | string[];
  environment?: Environment | string[];
  ports?: (string | { target: number; published?: string | number })[];
  depends_on?: Record<string, { condition?: string }> | string[];
  deploy?: { replicas?: number };
}
interface ComposeFile {
  services: Record<string, Service>;
  configs?: Record<string, { content?: string }>;
}

const compose = parse(fs.readFileSync(COMPOSE_FILE, 'utf8'), { merge: true }) as ComposeFile;

function service(name: string): Service {
  const found = compose.services[name];
  if (!found) throw new Error(`docker-compose.yml has no service ${name}`);
  return found;
}

function environmentOf(name: string): Record<string, string> {
  const env = service(name).environment ?? {};
  const entries: [string, string][] = Array.isArray(env)
    ? env.map((line) => {
        const at = line.indexOf('=');
        return at < 0 ? [line, ''] : [line.slice(0, at), line.slice(at + 1)];
      })
    : Object.entries(env).map(([key, value]) => [key, value === null ? '' : String(value)]);
  return Object.fromEntries(entries);
}

/** Compose interpolation, enough for this file: $$, ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?err}, ${VAR?err}. */
function interpolate(value: string, env: Record<string, string | undefined>): string {
  return value.replace(/\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?)([-?])([^}]*))?\}/g, (match, name: string | undefined, colon: string | undefined, op: string | undefined, arg: string | undefined) => {
    if (match === '$$') return '$';
    const current = env[name!];
    const missing = colon ? !current : current === undefined;
    if (!missing) return current!;
    if (op === '-') return arg ?? '';
    if (op === '?') throw new Error(`required variable ${name} is missing a value: ${arg}`);
    return '';
  });
}

const resolvedEnvironment = (name: string, env: Record<string, string | undefined> = { ARREARS_CODEC_KEY: CODEC_KEY, OIDC_ISSUER, ...UI_CLIENT }) =>
  Object.fromEntries(Object.entries(environmentOf(name)).map(([key, value]) => [key, interpolate(value, env)]));

function commandText(name: string): string {
  const { command, entrypoint } = service(name);
  return [entrypoint, command].flat().filter((part): part is string => typeof part === 'string').join('\n');
}

function publishedPorts(name: string): { published: string; target: string }[] {
  return (service(name).ports ?? []).map((port) => {
    if (typeof port !== 'string') return { published: String(port.published ?? ''), target: String(port.target) };
    const parts = port.split(':');
    return { published: parts.at(-2) ?? '', target: parts.at(-1) ?? '' };
  });
}

// ---- validity -----------------------------------------------------------------------

describe('docker-compose.yml is a valid compose file', () => {
  test(
    'it loads, and defines every service of the stack',
    async () => {
      const result = await checkCompose(COMPOSE_FILE, envWith({ ARREARS_CODEC_KEY: CODEC_KEY, OIDC_ISSUER, ...UI_CLIENT }));
      if (!result.ok) throw new Error(`compose check failed:\n${result.stderr}`);
      expect(result.services).toEqual(expect.arrayContaining(EXPECTED_SERVICES));
    },
    TEST_TIMEOUT_MS,
  );

  test(
    'it refuses to start without an OpenID provider for the api',
    async () => {
      const dir = tempDir();
      try {
        const file = path.join(dir, 'docker-compose.yml');
        fs.copyFileSync(COMPOSE_FILE, file);
        const result = await checkCompose(file, envWith({ ARREARS_CODEC_KEY: CODEC_KEY, OIDC_ISSUER: undefined, ...UI_CLIENT }));
        expect(result.ok).toBe(false);
        expect(result.stderr).toContain('required variable OIDC_ISSUER is missing a value');
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
    TEST_TIMEOUT_MS,
  );

  test(
    'it refuses to start without a codec key',
    async () => {
      // A copy in an empty directory, so no .env can supply the key.
      const dir = tempDir();
      try {
        const file = path.join(dir, 'docker-compose.yml');
        fs.copyFileSync(COMPOSE_FILE, file);
        const result = await checkCompose(file, envWith({ ARREARS_CODEC_KEY: undefined, OIDC_ISSUER, ...UI_CLIENT }));
        expect(result.ok).toBe(false);
        expect(result.stderr).toContain('required variable ARREARS_CODEC_KEY is missing a value');
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
    TEST_TIMEOUT_MS,
  );

  // Each error must name what is wrong: a check that fails for any reason (say, no `go`)
  // would otherwise pass these.
  test.each([
    ['ports given as a string', 'services:\n  web:\n    image: nginx:1.27\n    ports: "not-a-list"\n', /ports/],
    ['an unknown key under a service', 'services:\n  web:\n    image: nginx:1.27\n    imagee: typo\n', /imagee/],
    ['a dependency on an undefined service', 'services:\n  web:\n    image: nginx:1.27\n    depends_on: [ghost]\n', /ghost/],
  ])(
    'the check rejects a broken file: %s',
    async (_label, content, reason) => {
      const dir = tempDir();
      try {
        const file = path.join(dir, 'docker-compose.yml');
        fs.writeFileSync(file, content);
        const result = await checkCompose(file, process.env);
        expect(result.ok).toBe(false);
        expect(result.stderr).toMatch(reason);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
    TEST_TIMEOUT_MS,
  );
});

// ---- agreement with the code --------------------------------------------------------

describe('docker-compose.yml agrees with the code', () => {
  const configKeys = Object.keys(configSchema.shape);

  test.each(APP_SERVICES)('%s sets only variables src/config.ts defines', (name) => {
    const unknown = Object.keys(environmentOf(name)).filter((key) => !configKeys.includes(key));
    expect(unknown).toEqual([]);
  });

  test.each(APP_SERVICES)('%s: the resolved defaults pass the config schema', (name) => {
    const parsed = configSchema.safeParse(resolvedEnvironment(name));
    expect(parsed.error?.issues ?? []).toEqual([]);
  });

  test('worker and api share the connection and codec settings', () => {
    const shared = ['DATABASE_URL', 'TEMPORAL_ADDRESS', 'TEMPORAL_NAMESPACE', 'TEMPORAL_TASK_QUEUE', 'ARREARS_CODEC_KEY', 'ARREARS_CODEC_KEY_ID', 'ARREARS_CODEC_PREVIOUS_KEYS', 'LOG_LEVEL'];
    const worker = environmentOf('worker');
    const api = environmentOf('api');
    for (const key of shared) {
      expect(worker[key]).toBeDefined();
      expect(api[key]).toBe(worker[key]);
    }
    expect(worker.ARREARS_CODEC_KEY).toMatch(/^\$\{ARREARS_CODEC_KEY:\?/);
    expect(environmentOf('migrate').DATABASE_URL).toBe(worker.DATABASE_URL);
    expect(resolvedEnvironment('worker').TEMPORAL_ADDRESS).toBe('temporal:7233');
    expect(new URL(resolvedEnvironment('worker').DATABASE_URL!).host).toBe('postgres:5432');
  });

  test('the app services run the compiled entry points from the Dockerfile image', () => {
    const entry: Record<string, string> = { migrate: 'dist/src/db/migrate-cli.js', worker: 'dist/workers/worker.js', api: 'dist/src/api/main.js' };
    for (const name of APP_SERVICES) {
      expect(service(name).build).toBeDefined();
      expect(commandText(name).split('\n')).toEqual(['node', entry[name]]);
    }
    expect(service('worker').depends_on).toMatchObject({
      migrate: { condition: 'service_completed_successfully' },
      'temporal-setup': { condition: 'service_completed_successfully' },
    });
  });

  test('the runtime image carries every folder the processes read at run time', () => {
    const dockerfile = fs.readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8');
    const runtimeStage = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
    // migrations: the migrate service; config and templates: the worker loads them at start (src/paths.ts PROJECT_ROOT).
    for (const folder of ['migrations', 'config', 'templates']) {
      expect(fs.existsSync(path.join(ROOT, folder))).toBe(true);
      expect(runtimeStage).toMatch(new RegExp(`^COPY ${folder} \\./${folder}$`, 'm'));
    }
  });

  test('two workers and two api replicas; only the gateway publishes, on loopback, and forwards to the api port', () => {
    expect(service('worker').deploy).toMatchObject({ replicas: 2 });
    expect(service('api').deploy).toMatchObject({ replicas: 2 });
    expect(service('api').ports).toBeUndefined();
    const caddyfile = String(compose.configs?.['api-gateway-caddyfile']?.content);
    expect(caddyfile).toContain(`dynamic a api ${resolvedEnvironment('api').API_PORT}`);
    expect(caddyfile).toContain('health_uri /health');
    expect(service('api-gateway').ports).toEqual(['127.0.0.1:8080:8080', '127.0.0.1:8443:8443']);
    expect(caddyfile).toMatch(/https:\/\/localhost:8443 \{\s*tls internal\s*import api/);
  });

  test('the api listens where the gateway forwards, and the Web UI reaches its codec endpoint', () => {
    const api = resolvedEnvironment('api');
    expect(api.API_HOST).toBe('0.0.0.0');
    const apiPort = publishedPorts('api-gateway').find((p) => p.target === api.API_PORT);
    expect(apiPort).toBeDefined();

    const ui = resolvedEnvironment('temporal-ui');
    const codecUrl = new URL(ui.TEMPORAL_CODEC_ENDPOINT!);
    expect(codecUrl.pathname).toBe('/codec');
    // the UI passes a signed-in user's token only to an HTTPS codec endpoint: the gateway's TLS port
    expect(codecUrl.protocol).toBe('https:');
    expect(publishedPorts('api-gateway').map((p) => p.published)).toContain(codecUrl.port);
    expect(api.CODEC_PUBLIC_URL).toBe(ui.TEMPORAL_CODEC_ENDPOINT);

    const uiPort = publishedPorts('temporal-ui').find((p) => p.target === '8080');
    expect(uiPort).toBeDefined();
    expect(api.CODEC_CORS_ORIGINS!.split(',')).toContain(`http://localhost:${uiPort!.published}`);
  });

  test('the Web UI signs staff in at the API\'s OpenID provider and passes their token to the codec endpoint', () => {
    const ui = resolvedEnvironment('temporal-ui');
    const api = resolvedEnvironment('api');
    expect(ui).toMatchObject({ TEMPORAL_AUTH_ENABLED: 'true', TEMPORAL_AUTH_TYPE: 'oidc', TEMPORAL_CODEC_PASS_ACCESS_TOKEN: 'true' });
    expect(ui.TEMPORAL_AUTH_PROVIDER_URL).toBe(api.OIDC_ISSUER);
    expect(ui.TEMPORAL_AUTH_ISSUER_URL).toBe(api.OIDC_ISSUER);
    expect(ui.TEMPORAL_AUTH_CLIENT_ID).toBe(UI_CLIENT.TEMPORAL_UI_CLIENT_ID);
    const uiPort = publishedPorts('temporal-ui').find((p) => p.target === '8080');
    expect(ui.TEMPORAL_AUTH_CALLBACK_URL).toBe(`http://localhost:${uiPort!.published}/auth/sso/callback`);
    expect(ui.TEMPORAL_AUTH_SCOPES!.split(',')).toContain('openid');
    expect(service('temporal-ui').ports).toEqual(['127.0.0.1:8233:8080']);
  });

  test('one namespace everywhere', () => {
    const namespaces = [
      resolvedEnvironment('worker').TEMPORAL_NAMESPACE,
      resolvedEnvironment('api').TEMPORAL_NAMESPACE,
      resolvedEnvironment('temporal-setup').TEMPORAL_NAMESPACE,
      resolvedEnvironment('temporal').DEFAULT_NAMESPACE,
      resolvedEnvironment('temporal-ui').TEMPORAL_DEFAULT_NAMESPACE,
    ];
    expect(new Set(namespaces)).toEqual(new Set(['default']));
    expect(commandText('temporal-setup')).toMatch(/search-attribute create[^\n]*--namespace "\$\$ns"/);
  });

  test('temporal-setup registers the search attributes of workflows/search-attributes.ts', () => {
    const registered = [...commandText('temporal-setup').matchAll(/--name\s+(\w+)\s+--type\s+(\w+)/g)].map(([, name, type]) => ({
      name: name!,
      type: type!.toUpperCase(),
    }));
    const defined = ARREARS_SEARCH_ATTRIBUTES.map((key) => ({ name: key.name, type: String(key.type) }));
    const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);
    expect([...registered].sort(byName)).toEqual([...defined].sort(byName));
    expect(registered).toEqual(
      expect.arrayContaining([
        { name: 'ArrearsStage', type: 'KEYWORD' },
        { name: 'DaysPastDue', type: 'INT' },
        { name: 'AmountOverdue', type: 'DOUBLE' },
        { name: 'Bucket', type: 'KEYWORD' },
        { name: 'RiskTier', type: 'KEYWORD' },
        { name: 'Treatment', type: 'KEYWORD' },
        { name: 'AssignedAgent', type: 'KEYWORD' },
        { name: 'OnHold', type: 'BOOL' },
      ]),
    );
  });
});
