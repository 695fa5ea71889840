/**
 * The custom search attributes of SPEC §8: what operations staff filter on in the
 * Temporal UI ("stage VISIT, DPD > 60, amount > 5000" is one visibility query).
 * Registered with the server by the launcher, upserted by the workflow on every change.
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const ArrearsStage = defineSearchAttributeKey('ArrearsStage', SearchAttributeType.KEYWORD);
export const DaysPastDue = defineSearchAttributeKey('DaysPastDue', SearchAttributeType.INT);
/** In major currency units (e.g. 5000.00), so filters read as staff think of amounts. */
export const AmountOverdue = defineSearchAttributeKey('AmountOverdue', SearchAttributeType.DOUBLE);
export const Bucket = defineSearchAttributeKey('Bucket', SearchAttributeType.KEYWORD);
export const RiskTier = defineSearchAttributeKey('RiskTier', SearchAttributeType.KEYWORD);
export const Treatment = defineSearchAttributeKey('Treatment', SearchAttributeType.KEYWORD);
export const AssignedAgent = defineSearchAttributeKey('AssignedAgent', SearchAttributeType.KEYWORD);
export const OnHold = defineSearchAttributeKey('OnHold', SearchAttributeType.BOOL);
/** `<experiment id>:champion|challenger` for a run in a champion/challenger experiment (issue 18 §4). */
export const Experiment = defineSearchAttributeKey('Experiment', SearchAttributeType.KEYWORD);

/** The plan's standing while the account negotiates or follows a plan (issue 16 §4): OFFERED, ACTIVE, LATE, BROKEN, COMPLETED. */
export const PlanStatus = defineSearchAttributeKey('PlanStatus', SearchAttributeType.KEYWORD);

/** Where the account stands in LEGAL (issue 17 §4): DECIDED, the case's status (REFERRED … RECOVERED), PLACED, RECALLED, WRITE_OFF_RECOMMENDED, WRITTEN_OFF. */
export const LegalStatus = defineSearchAttributeKey('LegalStatus', SearchAttributeType.KEYWORD);
/** The legal case's next hearing (midnight UTC of its day): "LEGAL with a hearing this month" is one visibility query. */
export const NextHearing = defineSearchAttributeKey('NextHearing', SearchAttributeType.DATETIME);

export const ARREARS_SEARCH_ATTRIBUTES = [ArrearsStage, DaysPastDue, AmountOverdue, Bucket, RiskTier, Treatment, AssignedAgent, OnHold, Experiment, PlanStatus, LegalStatus, NextHearing];
