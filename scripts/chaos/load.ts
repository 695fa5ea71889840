/**
 * The load a collections day puts on the API, for the accounts the screening started:
 * payments over HTTP with the payment service's token (each sent again, some several times,
 * in shuffled order: duplicates and out-of-order events), holds and promises by an agent,
 * call outcomes for the agent queue, appointment confirmations, and direct signals (hold
 * releases). A client retries what got no answer or a 503, as a real one does; what it was
 * told succeeded (2xx) goes in the ledger the invariants check.
 */
import type { Client } from '@temporalio/client';
import { accountWorkflowId } from '../../src/domain/ids';
import { serviceToken, staffToken } from '../../src/identity/tokens';
import { localSecretsFile } from '../../src/identity/local-secrets';
import { isoDateOf } from '../../src/domain/dates';
import { holdReleasedSignal } from '../../workflows/account/contract';
import type { Random } from './random';
import { readFileSync } from 'node:fs';

export interface DrivenAccount {
  accountId: string;
  currency: string;
  amountOverdue: number;
  /** what the plan does to it */
  plan: 'CURE' | 'PARTIAL' | 'HOLD' | 'HOLD_RELEASED' | 'PROMISE' | 'NONE';
}

export interface Ledger {
  /** eventId → the payment acknowledged (2xx) */
  payments: Map<string, { accountId: string; amount: number }>;
  /** holds acknowledged (202), and those whose release signal was delivered */
  holds: Map<string, { accountId: string; released: boolean }>;
  promises: { accountId: string }[];
  callOutcomes: number[];
  confirmations: number[];
  requests: { sent: number; acknowledged: number; retried: number; refused: Record<string, number> };
}

export const emptyLedger = (): Ledger => ({ payments: new Map(), holds: new Map(), promises: [], callOutcomes: [], confirmations: [], requests: { sent: 0, acknowledged: 0, retried: 0, refused: {} } });

type Action = () => Promise<void>;

export interface LoadDeps {
  apiUrl: string;
  issuer: string;
  dataDir: string;
  temporal: () => Client;
  random: Random;
  ledger: Ledger;
}

/** Tokens from the local provider, fetched again when they expire or the provider restarted. */
function tokens(deps: LoadDeps) {
  const secrets = JSON.parse(readFileSync(localSecretsFile(deps.dataDir), 'utf8')) as { signInSecret: string; serviceSecret: string };
  const cache = new Map<string, { token: string; until: number }>();
  return async (who: 'service' | 'agent-01') => {
    const hit = cache.get(who);
    if (hit && hit.until > Date.now() + 30_000) return hit.token;
    const issued = who === 'service' ? await serviceToken(deps.issuer, 'payments-service', secrets.serviceSecret) : await staffToken(deps.issuer, who, secrets.signInSecret);
    cache.set(who, { token: issued.accessToken, until: issued.expiresAt.getTime() });
    return issued.accessToken;
  };
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Sends until the API answers with something other than a 5xx or no answer at all; gives up after `patienceMs`. */
async function send(deps: LoadDeps, token: () => Promise<string>, method: 'GET' | 'POST', path: string, body?: unknown, patienceMs = 120_000): Promise<{ status: number; json: Record<string, unknown> } | undefined> {
  const until = Date.now() + patienceMs;
  for (let attempt = 0; ; attempt++) {
    deps.ledger.requests.sent++;
    if (attempt > 0) deps.ledger.requests.retried++;
    try {
      const response = await fetch(`${deps.apiUrl}${path}`, {
        method,
        headers: { authorization: `Bearer ${await token()}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(40_000),
      });
      const json = (await response.json().catch(() => ({}))) as Record<string, unknown>;
      if (response.status < 500) {
        if (response.status < 300) deps.ledger.requests.acknowledged++;
        else deps.ledger.requests.refused[String(response.status)] = (deps.ledger.requests.refused[String(response.status)] ?? 0) + 1;
        return { status: response.status, json };
      }
    } catch {
      // no answer (the API or the provider killed): try again
    }
    if (Date.now() > until) return undefined;
    await pause(Math.min(5_000, 250 * 2 ** Math.min(attempt, 5)));
  }
}

/** Every action of the run, shuffled: what the clients will do while the kills happen. */
export function planLoad(deps: LoadDeps, accounts: DrivenAccount[]): Action[] {
  const token = tokens(deps);
  const { random, ledger } = deps;
  const actions: Action[] = [];
  const pay = (a: DrivenAccount, eventId: string, amount: number, daysAgo: number): Action => async () => {
    const body = { eventId, accountId: a.accountId, amount, currency: a.currency, valueDate: isoDateOf(Date.now() - daysAgo * 86_400_000), method: 'BANK_TRANSFER' };
    const answer = await send(deps, () => token('service'), 'POST', '/payments', body);
    if (answer && answer.status < 300) ledger.payments.set(eventId, { accountId: a.accountId, amount });
  };
  for (const a of accounts) {
    if (a.plan === 'CURE' || a.plan === 'PARTIAL') {
      const parts = random.int(1, 3);
      const total = a.plan === 'CURE' ? a.amountOverdue : Math.max(1, Math.floor(a.amountOverdue / 3));
      for (let n = 0; n < parts; n++) {
        const amount = n === parts - 1 ? total - Math.floor(total / parts) * (parts - 1) : Math.floor(total / parts);
        if (amount <= 0) continue;
        const eventId = `chaos-${a.accountId}-${n}`;
        // later parts with earlier value dates: out of order; every part at least twice
        const copies = random.int(2, 4);
        for (let c = 0; c < copies; c++) actions.push(pay(a, eventId, amount, parts - n));
      }
    }
    if (a.plan === 'HOLD' || a.plan === 'HOLD_RELEASED') {
      const holdId = `chaos-hold-${a.accountId}`;
      actions.push(async () => {
        const answer = await send(deps, () => token('agent-01'), 'POST', `/accounts/${a.accountId}/holds`, { holdId, reason: 'DISPUTE' });
        if (answer && answer.status < 300) {
          ledger.holds.set(holdId, { accountId: a.accountId, released: false });
          if (a.plan === 'HOLD_RELEASED') {
            // the release as a direct signal, the way another service of the bank sends it
            for (let attempt = 0; attempt < 60; attempt++) {
              try {
                await deps.temporal().workflow.getHandle(accountWorkflowId(a.accountId)).signal(holdReleasedSignal, { holdId });
                ledger.holds.set(holdId, { accountId: a.accountId, released: true });
                return;
              } catch {
                await pause(2_000);
              }
            }
          }
        }
      });
    }
    if (a.plan === 'PROMISE') {
      actions.push(async () => {
        const body = { amount: (Math.max(1, Math.floor(a.amountOverdue / 2)) / 100).toFixed(2), currency: a.currency, promisedFor: isoDateOf(Date.now() + 3 * 86_400_000), channel: 'CALL' };
        const answer = await send(deps, () => token('agent-01'), 'POST', `/accounts/${a.accountId}/promises`, body);
        if (answer && answer.status < 300) ledger.promises.push({ accountId: a.accountId });
      });
    }
  }
  // the agent works the queue, and confirms appointments on offer, now and then
  for (let n = 0; n < Math.max(2, Math.ceil(accounts.length / 50)); n++) {
    actions.push(async () => {
      const queue = await send(deps, () => token('agent-01'), 'GET', '/agent/tasks?agentId=agent-01&limit=5');
      for (const task of (queue?.json.tasks as { id: number }[] | undefined) ?? []) {
        const answer = await send(deps, () => token('agent-01'), 'POST', `/agent/tasks/${task.id}/outcome`, { rightPartyReached: false, note: 'no answer (chaos run)' });
        if (answer && answer.status < 300) ledger.callOutcomes.push(task.id);
      }
    });
    actions.push(async () => {
      const offered = await send(deps, () => token('agent-01'), 'GET', '/appointments');
      const proposal = ((offered?.json.proposals as { appointmentId: number; proposedSlots: { slotId: string }[] }[] | undefined) ?? [])[0];
      if (!proposal?.proposedSlots[0]) return;
      const answer = await send(deps, () => token('agent-01'), 'POST', `/appointments/${proposal.appointmentId}/confirm`, { slotId: proposal.proposedSlots[0].slotId, address: { kind: 'HOME' }, channel: 'CALL' });
      if (answer && answer.status < 300) ledger.confirmations.push(proposal.appointmentId);
    });
  }
  for (let i = actions.length - 1; i > 0; i--) {
    const j = random.int(0, i);
    [actions[i], actions[j]] = [actions[j]!, actions[i]!];
  }
  return actions;
}

/** Runs the actions `concurrency` at a time, spread over `seconds`. */
export async function runLoad(actions: Action[], seconds: number, concurrency = 8): Promise<void> {
  const gapMs = (seconds * 1000) / Math.max(1, actions.length / concurrency);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < actions.length) {
        const action = actions[next++]!;
        await action();
        await pause(gapMs);
      }
    }),
  );
}
