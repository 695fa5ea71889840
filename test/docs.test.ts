/**
 * The README's and docs' examples stay true: every `arrears …` command they show parses
 * against the CLI's own definitions (commander), and every relative link resolves to a
 * file, and to a heading when it names one.
 */
import fs from 'node:fs';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { parse as parseShell } from 'shell-quote';
import { PROJECT_ROOT } from '../src/paths';

const DOCS = path.join(PROJECT_ROOT, 'docs');
const pages = ['README.md', ...fs.readdirSync(DOCS).filter((f) => f.endsWith('.md')).map((f) => path.join('docs', f))];
const textOf = (page: string) => fs.readFileSync(path.join(PROJECT_ROOT, page), 'utf8');

/** Pages other developers are writing; the README links to them already. */
const PAGES_ON_THEIR_WAY = new Set(['docs/account-workflow.md', 'docs/risk-score.md', 'docs/identity-and-access.md', 'docs/effectiveness-reports.md', 'docs/negotiation.md']);

const ARREARS = /^(?:npm run (?:-s )?arrears --|arrears)(?:\s+|$)/;

/** Each `arrears` command line of a page, as it would be typed: fenced blocks (with `A="npm run -s arrears --"`) and inline code. */
function arrearsExamples(text: string): string[] {
  const examples: string[] = [];
  for (const block of text.matchAll(/^```[^\n]*\n([\s\S]*?)^```/gm)) {
    const lines = block[1]!.replace(/\\\n\s*/g, ' ').split('\n');
    const aliasIsArrears = lines.some((l) => /^A="npm run (-s )?arrears --"$/.test(l.trim()));
    for (const raw of lines) {
      const line = raw.trim().replace(/^\$A(?=\s)/, aliasIsArrears ? 'arrears' : '$A');
      if (ARREARS.test(line)) examples.push(line);
    }
  }
  for (const span of text.replace(/^```[\s\S]*?^```/gm, '').matchAll(/`([^`\n]+)`/g)) {
    const code = span[1]!.trim();
    // `arrears` alone names the CLI, and `<command>` stands for any: nothing to parse
    if (ARREARS.test(code) && code.replace(ARREARS, '') !== '' && !code.includes('<command>')) examples.push(code);
  }
  return examples;
}

/** The words after `arrears`: comments dropped, `[optional parts]` left out, placeholders filled. */
function argumentsOf(example: string): string[] {
  const words = parseShell(example.replace(ARREARS, '')).flatMap((token) => (typeof token === 'string' ? [token] : []));
  const kept: string[] = [];
  let optionalDepth = 0;
  for (const word of words) {
    if (word.startsWith('[')) optionalDepth += 1;
    if (optionalDepth === 0) kept.push(word.replace(/^<taskId>$/, '42').replace(/^<accountId>$/, 'DEMO-A00001').replace(/^<YYYY-MM-DD>$/, '2026-12-09'));
    if (word.endsWith(']')) optionalDepth = Math.max(0, optionalDepth - 1);
  }
  // a command named in prose (`arrears import`) needs its arguments only when run: that it exists is what to check
  return kept.length === 1 ? [...kept, '--help'] : kept;
}

/** The parse error of each argument list (null: it parsed), from the CLI's own definitions in a child process. */
async function parseErrors(lists: string[][]): Promise<(string | null)[]> {
  const run = promisify(execFile)(process.execPath, ['--import', 'tsx', path.join(PROJECT_ROOT, 'test', 'cli-dry-parse.ts')], { cwd: PROJECT_ROOT, env: { ...process.env, LOG_LEVEL: 'silent' } });
  run.child.stdin!.end(JSON.stringify(lists));
  return JSON.parse((await run).stdout) as (string | null)[];
}

const examples = pages.flatMap((page) => arrearsExamples(textOf(page)).map((example) => [page, example] as const));

describe('the docs’ CLI examples', () => {
  const stale = ['npm run -s arrears -- call-outcome 42 --agent agent-01 --reachd', 'npm run -s arrears -- pay DEMO-A00001'];
  let errors: (string | null)[];
  beforeAll(async () => {
    errors = await parseErrors([...examples, ...stale.map((e) => ['(stale)', e] as const)].map(([, example]) => argumentsOf(example)));
  }, 60_000);

  it('finds the examples (the README and at least four docs pages show some)', () => {
    expect(new Set(examples.map(([page]) => page)).size).toBeGreaterThanOrEqual(5);
    expect(examples.length).toBeGreaterThanOrEqual(25);
  });

  it.each(examples.map(([page, example], i) => [page, example, i] as const))('%s: %s parses against the CLI', (_page, _example, i) => {
    expect(errors[i]).toBeNull();
  });

  it('would catch an example that went stale', () => {
    expect(errors.slice(examples.length)).toEqual([expect.stringMatching(/unknown option '--reachd'/), expect.stringMatching(/unknown command 'pay'/)]);
  });
});

/** GitHub's anchor for a heading. */
const anchorOf = (heading: string) =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
const anchorsOf = (page: string) => new Set([...textOf(page).replace(/^```[\s\S]*?^```/gm, '').matchAll(/^#{1,6}\s+(.+)$/gm)].map((m) => anchorOf(m[1]!)));

const links = pages.flatMap((page) =>
  [...textOf(page).replace(/^```[\s\S]*?^```/gm, '').matchAll(/\]\(([^)\s]+)\)/g)]
    .map((m) => m[1]!)
    .filter((target) => !/^[a-z]+:/i.test(target))
    .map((target) => [page, target] as const),
);

describe('the docs’ relative links', () => {
  it.each(links)('%s → %s resolves', (page, target) => {
    const [file, anchor] = target.split('#') as [string, string | undefined];
    const resolved = file ? path.relative(PROJECT_ROOT, path.resolve(path.dirname(path.join(PROJECT_ROOT, page)), file)) : page;
    if (PAGES_ON_THEIR_WAY.has(resolved) && !fs.existsSync(path.join(PROJECT_ROOT, resolved))) return;
    expect(fs.existsSync(path.join(PROJECT_ROOT, resolved)) ? resolved : `missing: ${resolved}`).toBe(resolved);
    if (anchor && resolved.endsWith('.md')) expect([...anchorsOf(resolved)]).toContain(anchor);
  });
});

describe('the README', () => {
  it('is a page a newcomer reads in five minutes: at most 250 lines, the two commands first', () => {
    const readme = textOf('README.md');
    expect(readme.split('\n').length).toBeLessThanOrEqual(250);
    expect(readme.startsWith('# Arrears\n\n```\nnpm start\nnpm test\n```\n')).toBe(true);
  });
});
