import { unavailableDependency } from './dependency-errors';

const withCode = (message: string, code: string | number) => Object.assign(new Error(message), { code });
const grpc = (code: number) => Object.assign(new Error('14 UNAVAILABLE: No connection established'), { code, details: '', metadata: {} });

describe('which dependency a failure shows to be down', () => {
  it.each([
    ['a refused connection', withCode('connect ECONNREFUSED 127.0.0.1:54329', 'ECONNREFUSED'), 'postgres'],
    ['a server shutting down (57P01)', withCode('terminating connection due to administrator command', '57P01'), 'postgres'],
    ['a connection exception (08006)', withCode('connection failure', '08006'), 'postgres'],
    ['a connection cut mid-query', new Error('Connection terminated unexpectedly'), 'postgres'],
    ['Temporal not answering (gRPC UNAVAILABLE)', grpc(14), 'temporal'],
    ['Temporal too slow (gRPC DEADLINE_EXCEEDED), wrapped', new Error('failed to query', { cause: grpc(4) }), 'temporal'],
  ])('%s', (_what, err, dependency) => {
    expect(unavailableDependency(err)).toBe(dependency);
  });

  it.each([
    ['a constraint violation', withCode('duplicate key value violates unique constraint', '23505')],
    ['a workflow not found (gRPC NOT_FOUND)', grpc(5)],
    ['a plain bug', new TypeError("Cannot read properties of undefined (reading 'x')")],
  ])('not %s', (_what, err) => {
    expect(unavailableDependency(err)).toBeUndefined();
  });
});
