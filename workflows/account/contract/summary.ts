/**
 * What the account workflow tells about itself: the `summary` query's answer and the run's
 * result. Plain types, for the workflow, the API, the CLI and the demo alike.
 */
import type { Bucket } from '../../../src/domain/buckets';
import type { PendingPromise } from '../../../src/domain/early-collection';
import type { ProposedSlot, VisitBooked } from '../../../src/domain/field-collection';
import type { LegalAction, LegalCaseView, LegalCost, LegalStatus, PlacementView, WriteOffView } from '../../../src/domain/legal';
import type { Offer, PlanStatus } from '../../../src/domain/negotiation';
import type { Stage } from '../../../src/domain/stages';

export interface NextStep {
  action: string;
  /** ISO instant */
  at: string;
}

export interface AccountSummary {
  accountId: string;
  stage: Stage;
  currency: string | null;
  /** minor units */
  amountOverdue: number;
  /** for people: "CNY 5118.10" */
  amountOverdueFormatted: string | null;
  daysPastDue: number;
  bucket: Bucket | null;
  riskTier: string | null;
  oldestUnpaidDueDate: string | null;
  figuresAsOf: string | null;
  treatment: string;
  nextStep: NextStep | null;
  onHold: boolean;
  holds: string[];
  /** Payment events counted toward the figures and not reversed since. */
  paymentsCounted: number;
  /** Payments counted earlier and reversed since (they no longer count). */
  paymentsReversed: number;
  /** config/treatments.json's version the treatment was chosen from (generation 3) */
  treatmentConfigVersion?: string | null;
  /** why this treatment */
  treatmentWhy?: string | null;
  /** the agent of the open call task */
  assignedAgent?: string | null;
  openCallTask?: { taskId: number; dueBy: string } | null;
  pendingPromise?: (PendingPromise & { amountFormatted: string }) | null;
  promisesKept?: number;
  promisesBroken?: number;
  /** cease-contact received: no outbound contact any more */
  contactCeased?: boolean;
  /** the last contact the policy refused, and until when */
  lastBlockedContact?: { channel: string; rule: string; nextAllowedAt: string | null } | null;
  /** APPOINTMENT: the proposal waiting for a confirmation (generation 3 with field collection) */
  appointment?: { appointmentId: number; slots: ProposedSlot[]; confirmBy: string; reachedVia: string | null } | null;
  /** VISIT: the visit booked, waiting for its report */
  visit?: (Omit<VisitBooked, 'outcome'> & { failedVisits: number }) | null;
  /** NEGOTIATION: the offer on the table (the `offer` query's answer) */
  offer?: Offer | null;
  /** PLAN_ACTIVE: the plan followed, its standing and next instalment */
  plan?: PlanSummary | null;
  /** LEGAL: the decision and what followed it (the `legal` query's answer) */
  legal?: LegalSummary | null;
}

/** LEGAL as it stands: the decision with its figures, and the case, placement or write-off that followed. */
export interface LegalSummary {
  status: LegalStatus;
  decision: {
    decisionId: number;
    action: LegalAction;
    configVersion: string;
    currency: string;
    /** minor units */
    claim: number;
    cost: LegalCost;
    discountedRecovery: number;
    reason: string;
    /** the day the charge-off preset is reached (null: nothing unpaid) */
    chargeOffDueOn: string | null;
  };
  legalCase: LegalCaseView | null;
  placement: PlacementView | null;
  writeOff: WriteOffView | null;
  /** what the stage waits for and until when (the recall at the term's end, a supervisor's decision, the charge-off date) */
  next: NextStep | null;
}

export interface PlanSummary {
  planId: number;
  kind: Offer['options'][number]['kind'];
  status: PlanStatus;
  currency: string;
  /** minor units */
  total: number;
  paid: number;
  instalments: number;
  nextDue: { instalmentNo: number; dueDate: string; amount: number; paid: number } | null;
  /** breaks of a plan in this chain (each renegotiated until the policy's limit) */
  breaks: number;
}

export interface AccountCollectionResult {
  accountId: string;
  outcome: Stage;
  summary: AccountSummary;
}

