/** Per test file: the SDK's logs go through pino (quiet unless TEST_LOG_LEVEL says otherwise). */
import { createLogger } from '../src/logger';
import { installTemporalRuntime } from '../src/temporal/runtime';

installTemporalRuntime(createLogger(process.env.TEST_LOG_LEVEL ?? 'error', 'test'));
