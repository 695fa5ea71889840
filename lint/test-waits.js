// Lint for tests' waits: a wait must be able to fail. `eventually()` (test/support.ts)
// throws on timeout with what it last saw; these selectors keep a test from swallowing
// that failure, from waiting on a condition that always holds, or from polling by hand
// with a loop that ends silently. Shared by eslint.config.js and test/test-waits-lint.test.ts.
const waitCall = "CallExpression[callee.name='eventually']";

const restrictedSyntax = [
  {
    selector: `:matches(CallExpression[callee.property.name='catch'], CallExpression[callee.property.name='then'][arguments.length>1]) > MemberExpression.callee > ${waitCall}.object`,
    message: 'await eventually(...) itself: its timeout is the assertion, so do not catch it away',
  },
  {
    selector: `TryStatement[handler] > BlockStatement.block ${waitCall}`,
    message: 'a wait inside try { } catch can have its timeout swallowed: await eventually(...) outside the try',
  },
  {
    selector: `${waitCall} > ArrowFunctionExpression:nth-child(2)[body.type='Literal']`,
    message: 'a wait whose condition is a constant cannot fail: give eventually() the condition you expect',
  },
  {
    selector: `${waitCall}[arguments.length<2]`,
    message: 'eventually(check, done): say what you wait for, or the wait asserts nothing',
  },
  {
    selector: ':matches(ForStatement, WhileStatement, DoWhileStatement) CallExpression[callee.name=/^(setTimeout|setInterval)$/]',
    message: 'poll with eventually() from test/support.ts, which fails loudly with what it last saw, not a loop of your own',
  },
];

/** The files the rule covers: tests and their shared support code. */
const files = ['**/*.test.ts', 'test/**/*.ts'];

module.exports = { restrictedSyntax, files };
