/**
 * Logistic regression by iteratively reweighted least squares (Newton's method): the
 * second half of a binned scorecard, fitted on the bins' weights of evidence (a dozen
 * columns). Written here rather than taken from a library: the npm packages at hand fit
 * by fixed-step gradient descent with no convergence test, where Newton's method on a
 * dozen columns converges in a handful of exact steps. A tiny ridge keeps the normal
 * equations solvable when two features carry the same evidence.
 */

export interface LogisticFit {
  intercept: number;
  coefficients: number[];
  iterations: number;
  converged: boolean;
}

const RIDGE = 1e-6;
const MAX_ITERATIONS = 50;
const TOLERANCE = 1e-8;

/** Solves A x = b for a symmetric positive-definite A (Gaussian elimination with partial pivoting). */
function solve(a: number[][], b: number[]): number[] {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i] ?? 0]);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(m[r]![col]!) > Math.abs(m[pivot]![col]!)) pivot = r;
    [m[col], m[pivot]] = [m[pivot]!, m[col]!];
    const p = m[col]![col]!;
    if (Math.abs(p) < 1e-300) throw new Error('logistic fit: singular normal equations');
    for (let r = col + 1; r < n; r++) {
      const f = m[r]![col]! / p;
      for (let c = col; c <= n; c++) m[r]![c]! -= f * m[col]![c]!;
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = m[r]![n]!;
    for (let c = r + 1; c < n; c++) s -= m[r]![c]! * x[c]!;
    x[r] = s / m[r]![r]!;
  }
  return x;
}

/** P(bad) = 1 / (1 + exp(-(intercept + Σ coefficient × x))) fitted on rows `x` with outcomes `bad`. */
export function fitLogistic(x: number[][], bad: boolean[]): LogisticFit {
  const p = (x[0]?.length ?? 0) + 1;
  let beta = new Array<number>(p).fill(0);
  for (let iteration = 1; iteration <= MAX_ITERATIONS; iteration++) {
    const hessian = Array.from({ length: p }, () => new Array<number>(p).fill(0));
    const gradient = new Array<number>(p).fill(0);
    x.forEach((row, k) => {
      const z = [1, ...row];
      const eta = z.reduce((s, v, j) => s + v * beta[j]!, 0);
      const mu = 1 / (1 + Math.exp(-eta));
      const w = Math.max(mu * (1 - mu), 1e-12);
      const residual = (bad[k] ? 1 : 0) - mu;
      for (let i = 0; i < p; i++) {
        gradient[i]! += z[i]! * residual;
        for (let j = 0; j <= i; j++) hessian[i]![j]! += w * z[i]! * z[j]!;
      }
    });
    for (let i = 0; i < p; i++) {
      hessian[i]![i]! += RIDGE;
      gradient[i]! -= RIDGE * beta[i]!;
      for (let j = 0; j < i; j++) hessian[j]![i] = hessian[i]![j]!;
    }
    const step = solve(hessian, gradient);
    beta = beta.map((b, i) => b + step[i]!);
    if (Math.max(...step.map(Math.abs)) < TOLERANCE) return { intercept: beta[0]!, coefficients: beta.slice(1), iterations: iteration, converged: true };
  }
  return { intercept: beta[0]!, coefficients: beta.slice(1), iterations: MAX_ITERATIONS, converged: false };
}
