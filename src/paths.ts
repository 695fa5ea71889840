/**
 * Where the project lives on disk, the same from the TypeScript sources (tsx, jest)
 * and from the compiled tree (dist/…): the nearest folder above holding package.json.
 */
import fs from 'node:fs';
import path from 'node:path';

function findProjectRoot(start: string): string {
  let dir = start;
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${start}`);
    dir = parent;
  }
  return dir;
}

export const PROJECT_ROOT = findProjectRoot(__dirname);
export const MIGRATIONS_DIR = path.join(PROJECT_ROOT, 'migrations');
export const TOOLS_DIR = path.join(PROJECT_ROOT, '.tools');
export const DEFAULT_DATA_DIR = path.join(PROJECT_ROOT, '.data');
