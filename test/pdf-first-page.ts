/**
 * A PDF's first page as an image, and what OCR reads on it (test/render-pdf-page.mjs, in a
 * child process: pdfjs-dist is an ES module jest's CommonJS runtime cannot load). The PNG is
 * kept beside the PDF so a failing test leaves it to look at.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { z } from 'zod';

const rendered = z.object({ png: z.string(), width: z.number(), height: z.number(), ocrText: z.string(), pdfText: z.string() });
export type RenderedPage = z.infer<typeof rendered>;

export async function renderFirstPage(pdfPath: string): Promise<RenderedPage> {
  const pngPath = pdfPath.replace(/\.pdf$/, '') + '-page1.png';
  const { stdout } = await promisify(execFile)(process.execPath, [path.join(__dirname, 'render-pdf-page.mjs'), pdfPath, pngPath], { timeout: 60_000 });
  return rendered.parse(JSON.parse(stdout));
}
