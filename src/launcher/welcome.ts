/** What `npm start` prints once everything is up: where to look and what to try. */
import type { FieldDemo } from '../demo/field-stages';
import type { NegotiationDemo } from '../demo/negotiation-stages';
import { formatMoney } from '../domain/money';
import { calendarDateIn } from '../domain/time-zones';

export interface WelcomeFacts {
  uiUrl?: string;
  temporalAddress: string;
  namespace: string;
  apiUrl: string;
  codecEndpoint: string;
  cliPath: string;
  databaseUrl: string;
  logDir: string;
  /** the OpenID provider; secretsFile: the local one's secrets (absent with the bank's) */
  identity: { issuer: string; secretsFile?: string | undefined };
  setupSeconds: number;
  demo: {
    loaded: number;
    overdue: number;
    started: number;
    alreadyRunning: number;
    sample?: { accountId: string; amountOverdue: number; currency: string };
    /** the accounts supervisor-01 moved to APPOINTMENT and VISIT (issue 7) */
    field?: FieldDemo;
    /** the accounts whose visit report took them to NEGOTIATION, and one offer (issue 16) */
    negotiation?: NegotiationDemo;
  };
}

export function welcomeText(f: WelcomeFacts): string {
  const t = `${f.cliPath} --address ${f.temporalAddress} --namespace ${f.namespace}`;
  const lines = [
    '',
    `Arrears is running (ready in ${f.setupSeconds.toFixed(1)} s). Ctrl-C stops everything.`,
    '',
    `  Temporal Web UI   ${f.uiUrl ?? '(external Temporal: use its UI)'}`,
    `  Temporal gRPC     ${f.temporalAddress}  namespace ${f.namespace}`,
    `  API               ${f.apiUrl}  (GET /health; codec endpoint ${f.codecEndpoint})`,
    `  Postgres          ${f.databaseUrl}`,
    `  Logs              ${f.logDir}/`,
    `  Sign-in (OIDC)    ${f.identity.issuer}${f.identity.secretsFile ? '  (local provider, loopback only)' : ''}`,
    '',
    ...signInLines(f),
    ...webUiLines(f),
    `  Demo portfolio    ${f.demo.loaded} accounts loaded now; ${f.demo.overdue} overdue; workflows started ${f.demo.started}, already running ${f.demo.alreadyRunning}`,
    '',
    'In the UI, filter the workflow list with a query such as:',
    `  ArrearsStage = "REMINDING" AND DaysPastDue > 60 AND AmountOverdue > 5000`,
    '',
    'Or from a shell:',
    `  ${t} workflow list --query 'ArrearsStage = "REMINDING" AND DaysPastDue > 60 AND AmountOverdue > 5000'`,
  ];
  const s = f.demo.sample;
  if (s) {
    const event = {
      eventId: `try-${s.accountId}-1`,
      accountId: s.accountId,
      amount: s.amountOverdue,
      currency: s.currency,
      valueDate: new Date().toISOString().slice(0, 10),
      method: 'BANK_TRANSFER',
    };
    lines.push(
      '  # the codec endpoint decodes for a signed-in supervisor, legal or compliance officer only (TOKEN from the sign-in above); each decode is logged',
      `  ${t} workflow query --codec-endpoint ${f.codecEndpoint} --codec-auth "Bearer $TOKEN" --workflow-id arrears-${s.accountId} --name summary`,
      `  # pay the whole ${formatMoney(s.amountOverdue, s.currency)} overdue: the account is CURED and its workflow completes`,
      `  ${t} workflow signal --codec-endpoint ${f.codecEndpoint} --codec-auth "Bearer $TOKEN" --workflow-id arrears-${s.accountId} --name paymentReceived --input '${JSON.stringify(event)}'`,
    );
  }
  lines.push(
    '',
    'Early collection (docs/lifecycle.md): each run has a treatment (filter Treatment = "fast") and a `statement` query.',
    '  npm run -s arrears -- agent-tasks                       # call tasks waiting for an agent',
    '  npm run -s arrears -- call-outcome <taskId> --agent agent-01 --reached --reason OVERSIGHT',
    `  npm run -s arrears -- promise <accountId> --amount 100.00 --currency CNY --date ${new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10)} --channel CALL`,
    '',
  );
  if (f.demo.field) lines.push(...fieldLines(f.demo.field), '');
  if (f.demo.negotiation) lines.push(...negotiationLines(f.demo.negotiation), '');
  return lines.join('\n');
}

/** How to get a token: every route and the codec endpoint take one (docs/identity-and-access.md). */
function signInLines(f: WelcomeFacts): string[] {
  const file = f.identity.secretsFile;
  if (!file) return ['Every route needs a token from your OpenID provider (docs/identity-and-access.md).', ''];
  const secret = (key: string) => `$(node -p "require('${file}').${key}")`;
  return [
    'Every route and the codec endpoint take a bearer token (docs/identity-and-access.md). Sign in:',
    `  export ARREARS_PASSWORD=${secret('signInSecret')}   # the local sign-in secret`,
    '  npm run -s arrears -- login --staff collector-01     # or agent-01, supervisor-01, legal-01, compliance-01',
    `  curl -s ${f.identity.issuer}/token -d grant_type=urn:arrears:grant-type:local-staff -d client_id=arrears-cli -d staff_id=supervisor-01 -d password="$ARREARS_PASSWORD"`,
    '  # the payment service (client credentials):',
    `  curl -s -u payments-service:${secret('serviceSecret')} ${f.identity.issuer}/token -d grant_type=client_credentials -d scope=arrears`,
    `  curl -s -H "Authorization: Bearer $TOKEN" ${f.apiUrl}/agent/tasks`,
    '',
  ];
}

/** How the dev server's Web UI comes to show payloads decoded (docs/identity-and-access.md): an operator signs it in. */
function webUiLines(f: WelcomeFacts): string[] {
  if (!f.uiUrl) return [];
  return [
    `The Web UI shows payloads encrypted until a supervisor, legal or compliance officer signs it in; each decode is logged under them:`,
    '  npm run -s arrears -- login --staff supervisor-01 && npm run -s arrears -- ui sign-in    # later: npm run -s arrears -- ui sign-out',
    '',
  ];
}

/** Appointments and home visits (docs/lifecycle.md): where they are and what to try. */
function fieldLines(field: FieldDemo): string[] {
  const heading = 'Appointments and home visits (docs/lifecycle.md):';
  if (field.unavailable) return [heading, `  none yet: ${field.unavailable}`];
  const list = (ids: string[]) => (ids.length ? ids.join(', ') : 'none');
  const p = field.proposal;
  const v = field.visitBooked;
  // the demo's field team works in Shanghai: the visit's day there
  const day = v ? calendarDateIn(Date.parse(v.startsAt), 'Asia/Shanghai') : new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
  const collector = v?.collectorId ?? 'collector-01';
  const visitId = v?.appointmentId ?? '<appointmentId>';
  const commands: [string, string][] = [
    ['proposals', "appointments waiting for the borrower's confirmation"],
    [`confirm-appointment ${p?.appointmentId ?? '<appointmentId>'} --slot ${p?.slotIds[0] ?? 's1'} --address-kind HOME --by agent-01 --channel CALL`, ''],
    [`appointments --staff ${collector}`, `today; --date ${day} for the visit booked`],
    // a report, like a no-show, is refused before the visit's start (issue 19 §3b)
    [`visit-report ${visitId} --file examples/visit-report.json`, `once the visit has begun${collector === 'collector-01' ? '' : `, with "submittedBy": "${collector}"`}`],
    [`no-show ${visitId} --by ${collector}`, 'once the visit has begun'],
  ];
  const width = Math.max(...commands.filter(([, why]) => why).map(([command]) => command.length));
  return [
    heading,
    `  in APPOINTMENT: ${list(field.appointment)}; in VISIT: ${list(field.visit)} (supervisor-01's overrides); in the UI: ArrearsStage = "VISIT"`,
    ...commands.map(([command, why]) => `  npm run -s arrears -- ${why ? `${command.padEnd(width)}  # ${why}` : command}`),
  ];
}

/** Offers and plans (docs/negotiation.md): the accounts negotiating and what to try on the offer. */
function negotiationLines(negotiation: NegotiationDemo): string[] {
  const heading = 'Negotiation and plans (docs/negotiation.md):';
  const o = negotiation.offer;
  if (!o) return [heading, `  negotiating: ${negotiation.negotiation.join(', ') || 'none yet'}`];
  const waiver = o.pendingWaivers[0];
  return [
    heading,
    `  negotiating: ${negotiation.negotiation.join(', ')}; in the UI: PlanStatus = "OFFERED" (then ACTIVE, LATE, BROKEN, COMPLETED)`,
    `  npm run -s arrears -- offer ${o.accountId}`,
    ...(waiver ? [`  npm run -s arrears -- waiver ${waiver.waiverId} --approve --reason 'hardship stated on the call'   # as supervisor-01`] : []),
    `  npm run -s arrears -- respond ${o.accountId} --offer ${o.offerId} --accept ${o.options[0]?.kind ?? 'INSTALMENT_PLAN'} --borrower   # once OFFERED`,
    `  npm run -s arrears -- plan ${o.accountId}`,
  ];
}

export function printWelcome(f: WelcomeFacts): void {
  process.stdout.write(welcomeText(f));
}
