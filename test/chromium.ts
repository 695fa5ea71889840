/**
 * Headless Chromium for the tests that look at a page as a supervisor would: the Debian
 * package's /usr/bin/chromium, installed here with apt-get when it is missing (a fresh
 * machine needs no manual step; no browser download by npm). Driven with puppeteer-core.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import { promisify } from 'node:util';

const run = promisify(execFile);
const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];
// other apt users on the machine may hold the lock for a while
const APT = ['-y', '-o', 'DPkg::Lock::Timeout=600', '-o', 'Acquire::Retries=3'];

const installed = () => CANDIDATES.find((file) => fs.existsSync(file));

/** The Chromium executable, installed first when missing. */
export async function chromiumExecutable(): Promise<string> {
  const found = installed();
  if (found) return found;
  if (process.getuid?.() !== 0) throw new Error(`Chromium is not installed (${CANDIDATES.join(', ')}) and installing it needs root: apt-get install chromium`);
  const options = { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }, timeout: 20 * 60_000, maxBuffer: 64 * 1024 * 1024 };
  try {
    await run('apt-get', ['install', ...APT, 'chromium'], options);
  } catch {
    // the package lists may be stale or absent on a fresh machine
    await run('apt-get', ['update', ...APT.slice(1)], options);
    await run('apt-get', ['install', ...APT, 'chromium'], options);
  }
  const now = installed();
  if (!now) throw new Error('apt-get installed chromium, but no executable is at ' + CANDIDATES.join(' or '));
  return now;
}
