/**
 * The port a stage sees of its run (ARCHITECTURE.md): what a stage may ask of the kernel.
 * Stages never reach the run's state directly; the kernel owns it.
 */
import type { ContactChannel } from '../../../src/domain/early-collection';
import type { PlanView } from '../../../src/domain/negotiation';
import type { Stage } from '../../../src/domain/stages';
import type { NextStep } from '../contract';

// ---------- contacts: what a stage asks of the run's contact machinery ----------

export interface ContactRequest {
  channel: ContactChannel;
  templateId: string;
  templateVersion?: number;
  callWindowHours: number;
  /** the appointment whose slots or visit time the message gives */
  appointmentId?: number;
  /** the offer the message presents (it goes out only while the offer is OFFERED) */
  offerId?: number;
  /** the plan instalment a reminder or call-back is about (it goes out only while it is unpaid) */
  planInstalment?: { planId: number; instalmentNo: number };
}

export type ContactEnd =
  /** handed to the SMS or e-mail provider */
  | { end: 'DELIVERED' }
  /** the agent called (answered: an outcome was recorded) or the call window passed */
  | { end: 'CALLED'; answered: boolean; taskId: number }
  /** no such contact method, opted out, or not the borrower's: try another */
  | { end: 'UNREACHABLE' }
  /** no contact now: cured, contact ceased */
  | { end: 'STOPPED' };


// ---------- the run as the negotiation and plan stages see it ----------

export interface StageRun {
  readonly accountId: string;
  readonly workflowId: string;
  /** the stage the story is in (on hold: the one it returns to on release) */
  stage(): Stage;
  isCured(): boolean;
  onHold(): boolean;
  ceased(): boolean;
  /** a supervisor's override waits to be taken: the stage gives the story back */
  overridePending(): boolean;
  contact(request: ContactRequest, attemptKey: (attempt: number) => string): Promise<ContactEnd>;
  /** how long an agent has for a call (the treatment's) */
  callWindowHours(): number;
  /** a stage the story moves to; while on hold, where the account returns to on release */
  advanceTo(stage: Stage, reason: string): Promise<void>;
  audit(kind: string, key: string, detail: Record<string, unknown>): Promise<void>;
  effectKey(kind: string, n: number | string): string;
  setNextStep(step: NextStep | null): void;
  publishSearchAttributes(): void;
  /** the figures read again (a plan started or broken changes what they are judged by) */
  refreshFigures(): Promise<void>;
  /** payments counted plus reversals taken: changes whenever the figures may have moved */
  paymentsSeen(): number;
  /** an accepted option's plan is in Postgres: PLAN_ACTIVE follows it */
  planStarted(plan: PlanView): void;
}
