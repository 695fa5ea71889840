/**
 * The export's manifest: the SHA-256 of every file in the ZIP but itself, so a court or the
 * legal team can check that nothing was changed after the export (node:crypto).
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';

export const MANIFEST_NAME = 'manifest.json';

export const manifestSchema = z.strictObject({
  accountId: z.string(),
  generatedAt: z.iso.datetime(),
  generatedBy: z.string(),
  files: z.array(z.strictObject({ name: z.string(), bytes: z.number().int().min(0), sha256: z.string().regex(/^[0-9a-f]{64}$/) })),
});
export type Manifest = z.infer<typeof manifestSchema>;

export const sha256Hex = (content: Buffer | string) => createHash('sha256').update(content).digest('hex');

export interface ExportFile {
  name: string;
  content: Buffer;
}

export function buildManifest(head: Omit<Manifest, 'files'>, files: readonly ExportFile[]): Manifest {
  return { ...head, files: files.map((f) => ({ name: f.name, bytes: f.content.length, sha256: sha256Hex(f.content) })) };
}

/** The files whose content does not match the manifest, and those missing from either side (empty: all verified). */
export function manifestMismatches(manifest: Manifest, files: readonly ExportFile[]): string[] {
  const byName = new Map(files.filter((f) => f.name !== MANIFEST_NAME).map((f) => [f.name, f.content]));
  const problems = manifest.files.flatMap((entry) => {
    const content = byName.get(entry.name);
    if (!content) return [`${entry.name}: in the manifest, not in the export`];
    byName.delete(entry.name);
    return sha256Hex(content) === entry.sha256 ? [] : [`${entry.name}: SHA-256 differs from the manifest`];
  });
  return [...problems, ...[...byName.keys()].map((name) => `${name}: in the export, not in the manifest`)];
}
