/**
 * The one treatment of accountCollection generations 1-2 (two SMS reminders), frozen with
 * them: runs of those generations replay through it. Generation 3 reads its treatments
 * from config/treatments.json (src/treatments) through the chooseTreatment activity.
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

