/**
 * The port a stage sees of its run (ARCHITECTURE.md): what a stage may ask of the kernel.
 * Stages never reach the run's state directly; the kernel owns it.
 */
import type { ContactChannel } from '../../../src/domain/early-collection';

// ---------- contacts: what a stage asks of the run's contact machinery ----------

export interface ContactRequest {
  channel: ContactChannel;
  templateId: string;
  templateVersion?: number;
  callWindowHours: number;
  /** the appointment whose slots or visit time the message gives */
  appointmentId?: number;
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

