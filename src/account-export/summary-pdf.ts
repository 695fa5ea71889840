/**
 * The export's readable summary (pdfkit): the account, what happened to it in order, and
 * the count of records in each JSON file. It names the account and the borrower's id, and
 * no other personal data (the JSON files hold it), so it can be printed for a hearing; the
 * standard PDF fonts carry Latin text only, and names may not be.
 */
import PDFDocument from 'pdfkit';
import { formatMoney } from '../domain/money';
import type { AccountRecords, ExportSection } from './records';

export interface SummaryHead {
  accountId: string;
  generatedAt: Date;
  generatedBy: string;
}

const text = (v: unknown): string => (v === null || v === undefined ? '-' : v instanceof Date ? v.toISOString() : typeof v === 'object' ? JSON.stringify(v) : String(v as string | number | boolean));
const day = (v: unknown): string => (v instanceof Date ? v.toISOString().slice(0, 16).replace('T', ' ') : text(v));

/** The lines of each part of the summary: what a reader needs, oldest first. */
function summaryParts(r: AccountRecords): { title: string; lines: string[] }[] {
  const account = r.account[0]!;
  const currency = String(account.currency);
  const money = (v: unknown) => (typeof v === 'number' ? formatMoney(v, currency) : '-');
  return [
    {
      title: 'Account',
      lines: [
        `Product ${text(account.product)}, ${currency}, principal ${money(account.principal)}, opened ${text(account.opened_on)}`,
        `Status ${text(account.status)}; risk tier ${text(account.risk_tier)}; borrower ${text(account.borrower_id)} (${text(account.jurisdiction)})`,
        `${r.installments.length} installments scheduled, ${money(r.installments.reduce((s, i) => s + Number(i.amount_due), 0))} in all`,
      ],
    },
    { title: 'Stage moves', lines: r.stageMoves.map((m) => `${day(m.occurred_at)}  ${text(m.from_stage)} -> ${text(m.to_stage)}  (${text(m.reason)})`) },
    { title: 'Contacts', lines: r.contacts.map((c) => `${day(c.attempted_at)}  ${text(c.channel)} ${text(c.template_id)} v${text(c.template_version)}: ${text(c.status)}`) },
    { title: 'Contacts blocked by policy', lines: r.contactBlocks.map((b) => `${day(b.recorded_at)}  ${text(b.channel)} blocked by ${text(b.rule)}`) },
    { title: 'Promises to pay', lines: r.promises.map((p) => `${day(p.recorded_at)}  ${money(p.amount)} by ${text(p.promised_for)}: ${text(p.status)}`) },
    { title: 'Calls', lines: r.calls.map((c) => `${day(c.opened_at)}  ${text(c.kind)} task ${text(c.task_id)}: ${text(c.task_status)}${c.outcome_id ? `, right party ${text(c.right_party_reached)}, ${text(c.reason)}` : ''}`) },
    { title: 'Appointments and visits', lines: [...r.appointments.map((a) => `${day(a.created_at)}  ${text(a.kind)} #${text(a.id)}: ${text(a.status)}`), ...r.visitReports.map((v) => `${day(v.submitted_at)}  visit report: ability ${text(v.ability_to_pay)}, willingness ${text(v.willingness_to_pay)}, recommends ${text(v.recommended_action)}`)] },
    { title: 'Holds and cease-contact', lines: [...r.holds.map((h) => `${day(h.placed_at)}  hold ${text(h.reason)}${h.released_at ? `, released ${day(h.released_at)}` : ''}`), ...r.ceaseContact.map((c) => `${day(c.requested_at)}  cease-contact requested`)] },
    { title: 'Payments and reversals', lines: r.payments.map((p) => `${text(p.value_date)}  ${money(p.amount)} by ${text(p.method)} (${text(p.event_id)})${p.reversed_at ? `, reversed ${day(p.reversed_at)}` : ''}`) },
    { title: 'Offers and plans', lines: [...r.offers.map((o) => `${day(o.created_at)}  offer round ${text(o.round)}: ${text(o.status)}`), ...r.plans.map((p) => `${text(p.started_on)}  plan ${text(p.kind)} ${money(p.total)}: ${text(p.status)}`)] },
    {
      title: 'Legal, agency, write-off, closure',
      lines: [
        ...r.legalDecisions.map((d) => `${day(d.decided_at)}  decision ${text(d.action)}: claim ${money(d.claim)}, costs ${money(d.legal_cost)}, recovery ${money(d.discounted_recovery)}`),
        ...r.legalCases.map((c) => `${day(c.referred_at)}  case ${text(c.id)} referred to ${text(c.assigned_team)}: ${text(c.status)}`),
        ...r.placements.map((p) => `${day(p.placed_at)}  placed with ${text(p.agency_id)} until ${text(p.recall_by)}: ${text(p.status)}`),
        ...r.writeOffs.map((w) => `${day(w.recommended_at)}  write-off ${money(w.amount)}: ${text(w.status)}`),
        ...r.closures.map((c) => `${text(c.closed_on)}  closed: ${text(c.reason)}`),
      ],
    },
  ];
}

export function renderSummaryPdf(head: SummaryHead, records: AccountRecords): Promise<Buffer> {
  const doc = new PDFDocument({ size: 'A4', margin: 50, info: { Title: `Account ${head.accountId}`, Subject: 'Dispute and court export', CreationDate: head.generatedAt } });
  const done = new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('error', reject);
    doc.on('end', () => resolve(Buffer.concat(chunks)));
  });
  doc.font('Helvetica-Bold').fontSize(20).text(`Account ${head.accountId}`);
  doc.font('Helvetica').fontSize(11).text('Dispute and court export: summary').moveDown(0.3);
  doc.fontSize(9).fillColor('#444').text(`Generated ${head.generatedAt.toISOString()} by ${head.generatedBy}. Every record is in the JSON files beside this summary; manifest.json holds their SHA-256 hashes.`).fillColor('black').moveDown();
  for (const part of summaryParts(records)) {
    doc.font('Helvetica-Bold').fontSize(12).text(part.title).moveDown(0.2);
    doc.font('Helvetica').fontSize(9).text(part.lines.length > 0 ? part.lines.join('\n') : 'none').moveDown(0.8);
  }
  doc.font('Helvetica-Bold').fontSize(12).text('Records in this export').moveDown(0.2);
  doc.font('Helvetica').fontSize(9).text((Object.keys(records) as ExportSection[]).map((s) => `records/${s}.json: ${records[s].length}`).join('\n'));
  doc.end();
  return done;
}
