/**
 * Config files for the tests of their loaders: a shipped file, edited by the case, or any
 * text, written to a fresh temporary folder, so each case loads its own file.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** `text` as `name` in a fresh temporary folder; returns its path. */
export function tempConfigFile(name: string, text: string): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'config-')), name);
  fs.writeFileSync(file, text);
  return file;
}

/** A copy of the shipped JSON file as plain data, edited by `edit`, written beside no other; returns its path. */
export function configVariant<T>(shipped: string, edit: (cfg: T) => void): string {
  const copy = JSON.parse(fs.readFileSync(shipped, 'utf8')) as T;
  edit(copy);
  return tempConfigFile(path.basename(shipped), JSON.stringify(copy));
}
