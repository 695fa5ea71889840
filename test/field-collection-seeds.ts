/**
 * What the field-collection tests put into Postgres (issue 7): field staff with working
 * hours, and a complete visit report to vary. Straight SQL, as the demo or an HR import
 * would leave the rows.
 */
import type { Pool } from '../src/db/pool';
import type { VisitReport } from '../src/domain/field-collection';
import { uniqueId } from './support';

export type FieldRole = 'COLLECTOR' | 'SECURITY' | 'SUPERVISOR' | 'AGENT';

/** A staff member working every hour of the day in `timeZone` unless told (so any slot the borrower suits can be theirs). */
export async function addFieldStaff(pool: Pool, role: FieldRole, { timeZone = 'UTC', workFrom = '00:00', workUntil = '23:59', active = true }: { timeZone?: string; workFrom?: string; workUntil?: string; active?: boolean } = {}): Promise<string> {
  const id = uniqueId(role.toLowerCase());
  await pool.query('INSERT INTO staff (id, display_name, role, active, time_zone, work_from, work_until) VALUES ($1, $2, $3, $4, $5, $6, $7)', [
    id,
    `Test ${role.toLowerCase()}`,
    role,
    active,
    timeZone,
    workFrom,
    workUntil,
  ]);
  return id;
}

/** A complete, valid visit report by `submittedBy` for the appointment. */
export function validVisitReport(appointmentId: number, submittedBy: string, visitedAt: string, action: VisitReport['recommendation']['action'] = 'PLAN'): VisitReport {
  return {
    appointmentId,
    submittedBy,
    visitedAt,
    addressVisited: 'HOME',
    credentialsShown: true,
    identity: { checked: true, method: 'ID_CARD' },
    documents: {
      loanContract: { status: 'SEEN' },
      idCard: { status: 'SEEN' },
      proofOfIncome: { status: 'NOT_SEEN', note: 'payslips at the employer' },
      proofOfAssets: { status: 'NOT_APPLICABLE' },
      householdRegister: { status: 'SEEN' },
      marriageCertificate: { status: 'NOT_APPLICABLE' },
    },
    interview: {
      occupation: 'warehouse shift lead',
      householdMembers: [
        { relation: 'SPOUSE', age: 38, earns: false },
        { relation: 'CHILD', age: 9 },
      ],
      monthlyIncome: '8200.00',
      monthlyOutgoings: '6100.00',
      reasonForLateness: 'INCOME_DROP',
      reasonDetail: 'hours cut in the autumn',
    },
    consent: { form: 'WRITTEN', covers: ['INTERVIEW_ANSWERS', 'INCOME_FIGURES'] },
    assessment: { abilityToPay: 3, willingnessToPay: 4 },
    recommendation: { action, note: 'a 12-month plan sized to the income' },
  };
}
