import { Linter } from 'eslint';
// eslint-disable-next-line @typescript-eslint/no-require-imports -- the rule's home is the CommonJS lint config
const { restrictedSyntax } = require('../lint/test-waits.js') as { restrictedSyntax: unknown[] };

const linter = new Linter({ configType: 'flat' });
const problems = (code: string) =>
  linter.verify(code, [{ languageOptions: { sourceType: 'module', ecmaVersion: 2024 }, rules: { 'no-restricted-syntax': ['error', ...(restrictedSyntax as [])] } }]).map((m) => m.message);

describe("the lint rule on tests' waits", () => {
  it.each([
    ['a swallowed timeout', 'async () => { await eventually(check, (s) => s.ok).catch(() => undefined); }'],
    ['a timeout caught in try', 'async () => { try { await eventually(check, (s) => s.ok); } catch { } }'],
    ['a condition that always holds', 'async () => { await eventually(check, () => true); }'],
    ['a wait without a condition', 'async () => { await eventually(check); }'],
    ['a poll loop of its own', 'async () => { while (!(await check())) await new Promise((r) => setTimeout(r, 100)); }'],
  ])('refuses %s', (_what, code) => {
    expect(problems(code)).toHaveLength(1);
  });

  it.each([
    ['a bare wait (its timeout fails the test)', 'async () => { await eventually(check, (s) => s.stage === "CURED"); }'],
    ['a wait whose value is asserted', 'async () => { expect(await eventually(check, (s) => s.length > 0)).toEqual([1]); }'],
    ['a wait mapped to what matters', 'async () => { const stage = await eventually(check, (s) => s.stage !== "REMINDING").then((s) => s.stage); }'],
    ['clean-up in finally', 'async () => { try { await eventually(check, (s) => s.ok); } finally { await stop(); } }'],
    ['a pause outside any loop', 'async () => { await new Promise((r) => setTimeout(r, 500)); }'],
  ])('allows %s', (_what, code) => {
    expect(problems(code)).toEqual([]);
  });
});
