/**
 * Loads every template file under templates/ once, checking each against its schema and
 * its file name (`<id>.v<version>.json`), so a renamed or half-edited file stops the
 * process at start with the file and the field named.
 */
import fs from 'node:fs';
import path from 'node:path';
import { readJsonFile } from '../json-file';
import { PROJECT_ROOT } from '../paths';
import { templateFileSchema, type TemplateFile } from './schema';
import { issueLines } from '../domain/input-problems';

export const DEFAULT_TEMPLATES_DIR = path.join(PROJECT_ROOT, 'templates');

export class TemplateFileError extends Error {
  override name = 'TemplateFileError';
}

export type TemplateCatalogue = ReadonlyMap<string, TemplateFile>;

export const catalogueKey = (templateId: string, version: number) => `${templateId}@v${version}`;

export function loadTemplateCatalogue(dir = DEFAULT_TEMPLATES_DIR): TemplateCatalogue {
  const catalogue = new Map<string, TemplateFile>();
  for (const name of fs.readdirSync(dir).filter((n) => n.endsWith('.json')).sort()) {
    const file = path.join(dir, name);
    const raw = readJsonFile(file, (message) => new TemplateFileError(message));
    const parsed = templateFileSchema.safeParse(raw);
    if (!parsed.success) {
      throw new TemplateFileError(`Invalid template ${file}:\n  ${issueLines(parsed.error).join('\n  ')}`);
    }
    const template = parsed.data;
    if (name !== `${template.id}.v${template.version}.json`)
      throw new TemplateFileError(`Template ${file} must be named ${template.id}.v${template.version}.json (its id and version)`);
    catalogue.set(catalogueKey(template.id, template.version), template);
  }
  return catalogue;
}
