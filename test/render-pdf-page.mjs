// Renders a PDF's first page to a PNG (pdfjs-dist + @napi-rs/canvas) and reads it back by OCR
// (tesseract.js, its English data from npm: @tesseract.js-data/eng). A script of its own,
// run by test/pdf-first-page.ts (renderFirstPage) in a child process, because pdfjs-dist is an ES module
// that jest's CommonJS runtime cannot load. Prints one line of JSON: { png, ocrText, pdfText }.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { createCanvas } from '@napi-rs/canvas';
import * as pdfjs from 'pdfjs-dist/legacy/build/pdf.mjs';
import { createWorker } from 'tesseract.js';

const require = createRequire(import.meta.url);
const [pdfPath, pngPath] = process.argv.slice(2);
const doc = await pdfjs.getDocument({ data: new Uint8Array(fs.readFileSync(pdfPath)), standardFontDataUrl: `${require.resolve('pdfjs-dist/package.json').replace(/package\.json$/, '')}standard_fonts/` }).promise;
const page = await doc.getPage(1);
const viewport = page.getViewport({ scale: 2 });
const canvas = createCanvas(Math.ceil(viewport.width), Math.ceil(viewport.height));
const ctx = canvas.getContext('2d');
ctx.fillStyle = 'white';
ctx.fillRect(0, 0, canvas.width, canvas.height);
await page.render({ canvas, canvasContext: ctx, viewport }).promise;
const png = canvas.toBuffer('image/png');
fs.writeFileSync(pngPath, png);
const pdfText = (await page.getTextContent()).items.map((i) => i.str).join(' ');

const eng = require('@tesseract.js-data/eng');
const worker = await createWorker('eng', 1, { langPath: eng.langPath, gzip: eng.gzip, cachePath: fs.mkdtempSync(`${pngPath}-ocr-`) , logger: () => {} });
const { data } = await worker.recognize(png);
await worker.terminate();
process.stdout.write(`${JSON.stringify({ png: pngPath, width: canvas.width, height: canvas.height, ocrText: data.text, pdfText })}\n`);
