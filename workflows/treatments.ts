/**
 * Treatments as data: a cadence is an ordered list of contact steps on day offsets
 * from the start of reminding, walked by one loop in the workflow. The first path
 * (foundation) has one treatment of two SMS reminders; the treatment config of
 * SPEC §2.2 extends this table, it does not replace the loop.
 */
export type ContactChannel = 'SMS' | 'CALL' | 'EMAIL';

export interface CadenceStep {
  channel: ContactChannel;
  /** Days after reminding began. */
  dayOffset: number;
  templateId: string;
}

export interface TreatmentDefinition {
  id: string;
  version: number;
  steps: CadenceStep[];
}

export const TREATMENTS = {
  standard: {
    id: 'standard',
    version: 1,
    steps: [
      { channel: 'SMS', dayOffset: 0, templateId: 'sms-first-reminder' },
      { channel: 'SMS', dayOffset: 3, templateId: 'sms-second-reminder' },
    ],
  },
} as const satisfies Record<string, TreatmentDefinition>;

export type TreatmentId = keyof typeof TREATMENTS;
export const TREATMENT_IDS = Object.keys(TREATMENTS) as [TreatmentId, ...TreatmentId[]];
