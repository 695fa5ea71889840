/**
 * The report a simulated collector writes after a visit: complete (every part the schema
 * asks for), figures and reasons only, no names. A borrower who will pay is assessed able and
 * willing, and the collector recommends a plan; one who will not, a legal review.
 */
import type { VisitReportBody } from '../api/field-messages';

export function simulatedVisitReport(collectorId: string, visitedAt: Date, willPay: boolean): VisitReportBody {
  return {
    submittedBy: collectorId,
    visitedAt: visitedAt.toISOString(),
    addressVisited: 'HOME',
    credentialsShown: true,
    identity: { checked: true, method: 'ID_CARD' },
    documents: {
      loanContract: { status: 'SEEN' },
      idCard: { status: 'SEEN' },
      proofOfIncome: { status: willPay ? 'SEEN' : 'NOT_SEEN' },
      proofOfAssets: { status: 'NOT_APPLICABLE' },
      householdRegister: { status: 'SEEN' },
      marriageCertificate: { status: 'NOT_APPLICABLE' },
    },
    interview: {
      occupation: 'simulated occupation',
      householdMembers: [{ relation: 'SPOUSE' }],
      monthlyIncome: willPay ? '9000.00' : '3000.00',
      monthlyOutgoings: '2500.00',
      reasonForLateness: willPay ? 'OVERSIGHT' : 'INCOME_DROP',
    },
    consent: { form: 'WRITTEN', covers: ['INTERVIEW_ANSWERS', 'INCOME_FIGURES'] },
    assessment: { abilityToPay: willPay ? 4 : 2, willingnessToPay: willPay ? 4 : 2 },
    recommendation: { action: willPay ? 'PLAN' : 'LEGAL' },
  };
}
