// Prints one plain closing line, "jest: N passed, N failed, N skipped", that CI reads
// to count the tests (jest's own summary is not in a form it reads).
class SummaryReporter {
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    // a suite that failed to run (setup error) counts as a failure too
    const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
    process.stdout.write(`\njest: ${results.numPassedTests} passed, ${failed} failed, ${skipped} skipped\n`);
  }
}
module.exports = SummaryReporter;
