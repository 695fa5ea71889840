import { codecPublicUrl, ConfigError, parseConfig } from './config';

function configError(env: NodeJS.ProcessEnv): ConfigError {
  try {
    parseConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error(`expected a ConfigError for ${JSON.stringify(env)}`);
}

describe('parseConfig', () => {
  it('defaults to the arrears task queue, API port 8080 and the default namespace', () => {
    const cfg = parseConfig({});
    expect(cfg.TEMPORAL_TASK_QUEUE).toBe('arrears');
    expect(cfg.API_PORT).toBe(8080);
    expect(cfg.TEMPORAL_NAMESPACE).toBe('default');
    expect(cfg.ARREARS_CODEC_PREVIOUS_KEYS).toEqual([]);
  });

  it('runs the worker with 2 workflow threads, 200 workflow-task slots and up to 100 autoscaled pollers unless told otherwise', () => {
    const cfg = parseConfig({});
    expect([cfg.WORKER_WORKFLOW_THREADS, cfg.WORKER_WORKFLOW_TASK_SLOTS, cfg.WORKER_WORKFLOW_TASK_POLLERS]).toEqual([2, 200, 100]);
    expect(cfg.WORKER_METRICS_ADDRESS).toBeUndefined();
    const tuned = parseConfig({ WORKER_WORKFLOW_THREADS: '1', WORKER_WORKFLOW_TASK_SLOTS: '40', WORKER_WORKFLOW_TASK_POLLERS: '10', WORKER_METRICS_ADDRESS: '0.0.0.0:9464' });
    expect([tuned.WORKER_WORKFLOW_THREADS, tuned.WORKER_WORKFLOW_TASK_SLOTS, tuned.WORKER_WORKFLOW_TASK_POLLERS, tuned.WORKER_METRICS_ADDRESS]).toEqual([1, 40, 10, '0.0.0.0:9464']);
  });

  it('refuses worker tuning out of range and a metrics address without a port, naming the variable', () => {
    expect(configError({ WORKER_WORKFLOW_THREADS: '0' }).message).toMatch(/WORKER_WORKFLOW_THREADS/);
    expect(configError({ WORKER_WORKFLOW_TASK_SLOTS: '1' }).message).toMatch(/WORKER_WORKFLOW_TASK_SLOTS/);
    expect(configError({ WORKER_METRICS_ADDRESS: 'localhost' }).message).toMatch(/WORKER_METRICS_ADDRESS/);
  });

  it('refuses an API_PORT that is not a number, naming the variable', () => {
    expect(configError({ API_PORT: 'eighty' }).message).toMatch(/API_PORT/);
  });

  it('refuses a DATABASE_URL that is not a URL, naming the variable', () => {
    expect(configError({ DATABASE_URL: 'not a url' }).message).toMatch(/DATABASE_URL/);
  });

  it('reads the previous codec keys kept for decrypting after a rotation', () => {
    expect(parseConfig({ ARREARS_CODEC_PREVIOUS_KEYS: 'old=AAAA, older=BBBB' }).ARREARS_CODEC_PREVIOUS_KEYS).toEqual([
      { keyId: 'old', key: 'AAAA' },
      { keyId: 'older', key: 'BBBB' },
    ]);
  });

  it('refuses a previous codec key entry without an id, naming the variable but not the keys', () => {
    const { message } = configError({ ARREARS_CODEC_PREVIOUS_KEYS: 'old=AAAA,nokey' });
    expect(message).toMatch(/ARREARS_CODEC_PREVIOUS_KEYS/);
    expect(message).not.toContain('AAAA');
  });
});

describe('codecPublicUrl', () => {
  it('defaults to the codec endpoint on the API port', () => {
    expect(codecPublicUrl(parseConfig({ API_PORT: '9090' }))).toBe('http://localhost:9090/codec');
  });

  it('uses CODEC_PUBLIC_URL when set', () => {
    expect(codecPublicUrl(parseConfig({ CODEC_PUBLIC_URL: 'https://arrears.example/codec' }))).toBe('https://arrears.example/codec');
  });
});

describe('the daily screening settings', () => {
  it('default to 06:00 in Asia/Shanghai', () => {
    const cfg = parseConfig({});
    expect([cfg.SCREENING_TIME, cfg.SCREENING_TIME_ZONE, cfg.SCREENING_SCHEDULE_ID]).toEqual(['06:00', 'Asia/Shanghai', 'arrears-daily-screening']);
  });

  it('keep a zone name in its canonical spelling', () => {
    expect(parseConfig({ SCREENING_TIME_ZONE: 'europe/berlin' }).SCREENING_TIME_ZONE).toBe('Europe/Berlin');
  });

  it('refuse a time that is not HH:MM and a zone that does not exist, naming the variables', () => {
    const { message } = configError({ SCREENING_TIME: '6am', SCREENING_TIME_ZONE: 'Mars/Olympus_Mons' });
    expect(message).toMatch(/SCREENING_TIME:/);
    expect(message).toMatch(/SCREENING_TIME_ZONE:/);
    expect(configError({ SCREENING_TIME: '24:00' }).message).toMatch(/SCREENING_TIME/);
  });
});
