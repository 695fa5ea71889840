/** Per test file: the SDK's logs go through pino (quiet unless TEST_LOG_LEVEL says otherwise). */
import { createLogger } from '../src/logger';
import { installTemporalRuntime } from '../src/temporal/runtime';

// Core retry warnings are expected where a test stops Temporal on purpose.
installTemporalRuntime(createLogger(process.env.TEST_LOG_LEVEL ?? 'error', 'test'), { coreLogLevel: process.env.TEST_LOG_LEVEL ? 'WARN' : 'ERROR' });
