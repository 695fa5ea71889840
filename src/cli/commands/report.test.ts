/**
 * `arrears report` as staff run it (a child process) over the effectiveness fixture, in a
 * database of this file's own: the text and CSV figures, refused options, and the HTML
 * report opened in headless Chromium: the three charts are drawn, and a screenshot is taken.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import puppeteer, { type Browser } from 'puppeteer-core';
import { arrearsCli, type ArrearsRun } from '../../../test/arrears-cli';
import { chromiumExecutable } from '../../../test/chromium';
import { ownTestDatabase } from '../../../test/own-database';
import { newCodecKeys } from '../../../test/support';
import { createPool } from '../../db/pool';
import { writeEffectivenessFixture } from '../../effectiveness/fixture';

let arrears: (...args: string[]) => Promise<ArrearsRun>;
const QUARTER = ['--from', '2026-01-01', '--to', '2026-03-31'];
const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'arrears-report-'));

beforeAll(async () => {
  const url = await ownTestDatabase('effectiveness_cli');
  const pool = createPool(url, 1);
  try {
    await writeEffectivenessFixture(pool);
  } finally {
    await pool.end();
  }
  arrears = arrearsCli(newCodecKeys(), url);
});

const ok = (run: ArrearsRun) => {
  if (run.code !== 0) throw new Error(`arrears exited ${run.code}: ${run.stderr}`);
  return run.stdout;
};

it('prints the metrics by treatment with their definitions (text)', async () => {
  const text = ok(await arrears('report', ...QUARTER));
  expect(text).toContain('Effectiveness 2026-01-01 to 2026-03-31, by treatment');
  expect(text).toMatch(/cure rate \(30 d\)\s+50\.0 % \(1\/2\)\s+33\.3 % \(1\/3\)\s+40\.0 % \(2\/5\)/);
  expect(text).toMatch(/amount recovered\s+CNY 70\.00\s+CNY 18\.00\s+CNY 88\.00/);
  expect(text).toMatch(/CONTACT_HOURS\s+1\s+10\.0 %/);
  expect(text).toContain('cureRate: accounts back to current within N days of entering collection / accounts entering');
});

it('compares champion and challenger when grouped by experiment, and says the difference is not yet significant', async () => {
  const text = ok(await arrears('report', ...QUARTER, '--by', 'experiment'));
  expect(text).toContain('trial: cure rate 0.0 % (0/1) against 100.0 % (1/1); cost per unit recovered 4.1070 against 0.0000');
  expect(text).toContain('the challenger cures 100.0 points more');
  expect(text).toContain('not yet significant, keep the experiment running');
});

it('writes one CSV row per figure', async () => {
  const rows: Record<string, string>[] = parse(ok(await arrears('report', ...QUARTER, '--by', 'bucket', '--format', 'csv')), { columns: true });
  expect(rows.find((r) => r.section === 'metrics' && r.group === '1-30' && r.metric === 'cureRate')).toEqual({ section: 'metrics', group: '1-30', metric: 'cureRate', value: '0.5', numerator: '2', denominator: '4' });
  // the quarter holds two month pairs: of the 31-60 accounts (A3 in January, A2 in February), one rolled to 61-90
  expect(rows.find((r) => r.section === 'roll-rate' && r.group === '31-60' && r.metric === '61-90')).toMatchObject({ value: '0.5', numerator: '1', denominator: '2' });
});

it('refuses bad options with a message that names them, and writes nothing', async () => {
  const badBy = await arrears('report', '--by', 'agent');
  expect(badBy.code).toBe(1);
  expect(badBy.stderr).toContain('--by takes bucket, treatment, experiment');
  const backwards = await arrears('report', '--from', '2026-03-01', '--to', '2026-02-01');
  expect(backwards.stderr).toContain('--from 2026-03-01 is after --to 2026-02-01');
  const badFormat = await arrears('report', '--format', 'pdf', '--out', path.join(outDir, 'never.pdf'));
  expect(badFormat.stderr).toContain('--format takes text, csv, html');
  expect(fs.existsSync(path.join(outDir, 'never.pdf'))).toBe(false);
});

describe('the HTML report in headless Chromium', () => {
  let browser: Browser | undefined;
  const htmlFile = path.join(outDir, 'effectiveness.html');
  const screenshot = path.join(os.tmpdir(), 'arrears-effectiveness-report.png');

  beforeAll(async () => {
    ok(await arrears('report', ...QUARTER, '--format', 'html', '--out', htmlFile));
    browser = await puppeteer.launch({ executablePath: await chromiumExecutable(), headless: true, args: ['--no-sandbox', '--disable-gpu'] });
  }, 30 * 60_000);
  afterAll(async () => browser?.close());

  it('shows the roll-rate heat map, the cure curves and the recovery by month, with a note on what they show', async () => {
    const page = await browser!.newPage();
    await page.setViewport({ width: 1280, height: 1800 });
    await page.goto(`file://${htmlFile}`, { waitUntil: 'load' });
    const charts = await page.$$eval('figure[data-chart]', (figures) =>
      figures.map((f) => {
        const svg = f.querySelector('svg');
        const box = svg?.getBoundingClientRect();
        return {
          id: f.getAttribute('data-chart'),
          width: Math.round(box?.width ?? 0),
          height: Math.round(box?.height ?? 0),
          marks: svg?.querySelectorAll('g.mark-rect path, g.mark-line path, g.mark-symbol path, g.mark-text text').length ?? 0,
          texts: [...(svg?.querySelectorAll('g.mark-text text') ?? [])].map((t) => t.textContent),
        };
      }),
    );
    expect(charts.map((c) => c.id)).toEqual(['roll-rates', 'cure-curves', 'recovered-by-month']);
    for (const chart of charts) {
      expect(chart.width).toBeGreaterThan(300);
      expect(chart.height).toBeGreaterThan(200);
      expect(chart.marks).toBeGreaterThan(2);
    }
    // Jan → Feb and Feb → Mar summed: of the 1-30 accounts (3), two were current a month later
    expect(charts[0]!.texts).toEqual(expect.arrayContaining(['66.7%', '100.0%']));
    expect(await page.$$eval('#closing-note li', (items) => items.length)).toBe(3);
    await page.screenshot({ path: screenshot, fullPage: true });
    expect(fs.statSync(screenshot).size).toBeGreaterThan(20_000);
  });
});
