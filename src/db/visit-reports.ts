/**
 * The written visit report (issue 7 §2, SPEC §2 step 6): one per appointment. The facts
 * the workflow and the reports use (documents seen, consent, the assessment, the
 * recommended action) go to visit_reports; what the borrower said and the collector's own
 * words go to visit_report_personal_data, which is read and purged under its own rules.
 */
import { z } from 'zod';
import type { AddressKind, RecommendedAction } from '../domain/field-collection';
import type { Queryable } from './pool';

const reportRow = z.object({ id: z.number().int(), appointment_id: z.number().int(), account_id: z.string() });
export type VisitReportRef = z.infer<typeof reportRow>;

export async function findVisitReport(db: Queryable, appointmentId: number): Promise<VisitReportRef | undefined> {
  const { rows } = await db.query('SELECT id, appointment_id, account_id FROM visit_reports WHERE appointment_id = $1', [appointmentId]);
  return rows[0] ? reportRow.parse(rows[0]) : undefined;
}

export interface NewVisitReport {
  appointmentId: number;
  accountId: string;
  workflowId: string;
  submittedBy: string;
  securityStaffId: string | null;
  visitedAt: Date;
  addressKind: AddressKind;
  identityChecked: boolean;
  /** ID_CARD, PASSPORT, … or NOT_CHECKED */
  identityMethod: string;
  /** per document: SEEN, NOT_SEEN or NOT_APPLICABLE */
  documents: Record<string, string>;
  consent: { form: string; covers: string[] };
  abilityToPay: number;
  willingnessToPay: number;
  recommendedAction: RecommendedAction;
  submittedAt: Date;
  personal: {
    occupation: string;
    householdMembers: unknown[];
    /** minor units of the account's currency */
    monthlyIncome: number;
    monthlyOutgoings: number;
    reasonForLateness: string;
    reasonDetail: string | null;
    identityNote: string | null;
    /** per document, only those with a note */
    documentNotes: Record<string, string>;
    assessmentNote: string | null;
    recommendationNote: string | null;
  };
}

/** Writes the report and its personal part; the caller holds the appointment's lock. */
export async function insertVisitReport(db: Queryable, r: NewVisitReport): Promise<VisitReportRef> {
  const { rows } = await db.query(
    `INSERT INTO visit_reports (appointment_id, account_id, workflow_id, submitted_by, security_staff_id, visited_at, address_kind,
                                credentials_shown, identity_checked, identity_method, documents, consent,
                                ability_to_pay, willingness_to_pay, recommended_action, submitted_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, true, $8, $9, $10, $11, $12, $13, $14, $15)
     RETURNING id, appointment_id, account_id`,
    [
      r.appointmentId,
      r.accountId,
      r.workflowId,
      r.submittedBy,
      r.securityStaffId,
      r.visitedAt,
      r.addressKind,
      r.identityChecked,
      r.identityMethod,
      JSON.stringify(r.documents),
      JSON.stringify(r.consent),
      r.abilityToPay,
      r.willingnessToPay,
      r.recommendedAction,
      r.submittedAt,
    ],
  );
  const ref = reportRow.parse(rows[0]);
  const p = r.personal;
  await db.query(
    `INSERT INTO visit_report_personal_data (visit_report_id, occupation, household_members, monthly_income, monthly_outgoings,
                                             reason_for_lateness, reason_detail, identity_note, document_notes, assessment_note, recommendation_note)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
    [ref.id, p.occupation, JSON.stringify(p.householdMembers), p.monthlyIncome, p.monthlyOutgoings, p.reasonForLateness, p.reasonDetail, p.identityNote, JSON.stringify(p.documentNotes), p.assessmentNote, p.recommendationNote],
  );
  return ref;
}
