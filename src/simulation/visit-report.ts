/**
 * The report a simulated collector writes after a visit: complete (every part the schema
 * asks for), figures and reasons only, no names. A borrower who will pay is assessed able and
 * willing, shows proof of income, and the collector recommends a plan; one who will not, a
 * legal review.
 */
import type { VisitReportBody } from '../api/field-messages';
import { DOCUMENTS, type VisitReport } from '../domain/field-collection';

/** What the collector saw of each document the schema lists. */
function documentsSeen(willPay: boolean): VisitReport['documents'] {
  const notApplicable = new Set<string>(['proofOfAssets', 'marriageCertificate']);
  const status = (document: string) => (notApplicable.has(document) ? 'NOT_APPLICABLE' : document === 'proofOfIncome' && !willPay ? 'NOT_SEEN' : 'SEEN');
  return Object.fromEntries(DOCUMENTS.map((document) => [document, { status: status(document) }])) as VisitReport['documents'];
}

export function simulatedVisitReport(collectorId: string, visitedAt: Date, willPay: boolean): VisitReportBody {
  return {
    submittedBy: collectorId,
    visitedAt: visitedAt.toISOString(),
    credentialsShown: true,
    addressVisited: 'HOME',
    documents: documentsSeen(willPay),
    identity: { checked: true, method: 'ID_CARD' },
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
