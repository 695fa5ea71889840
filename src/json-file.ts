/**
 * Reads one JSON file of the project's own (a config file, a template): the config loaders
 * share it so that every one of them names the file in the same words when it cannot be
 * read or is not JSON, and raises its own error type (the caller's `fail`).
 */
import fs from 'node:fs';

export function readJsonFile(file: string, fail: (message: string) => Error): unknown {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw fail(`Cannot read ${file}: ${(err as Error).message}`);
  }
}
