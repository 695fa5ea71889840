/**
 * The bank's contact policy config (config/contact-policy.json, versioned), parsed with zod
 * at start. Per jurisdiction it may set any figure of the preset (presets.ts):
 *  - tightening (a lower cap, a later start, an earlier end, a longer quiet period) is taken;
 *  - loosening a figure the law sets (`legal: true`) is refused, unless an override entry
 *    `{ rule, value, reason, approvedBy }` says so explicitly; every override is logged
 *    (warn) at load, so that it shows wherever the policy is loaded;
 *  - a figure that is only the bank's own default (`legal: false`) may move either way.
 * Contact hours are written "HH:MM" (minutes after midnight inside).
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { logger, type Logger } from '../logger';
import { PROJECT_ROOT } from '../paths';
import { clockTime } from './local-time';
import { PRESETS } from './presets';
import {
  JURISDICTIONS,
  POLICY_FIGURE_NAMES,
  POLICY_FIGURES,
  type ContactPolicy,
  type ContactPolicySet,
  type Jurisdiction,
  type PolicyFigure,
  type PolicyOverride,
} from './policy';
import { issueLines } from '../domain/input-problems';

export const DEFAULT_CONTACT_POLICY_CONFIG_PATH = path.join(PROJECT_ROOT, 'config', 'contact-policy.json');

const HOURS_FIGURES: readonly PolicyFigure[] = ['CONTACT_HOURS_START', 'CONTACT_HOURS_END'];

const figureValue = z.union([
  z.number().int().min(0),
  z.null(),
  z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'a time of day "HH:MM"')
    .transform((s) => Number(s.slice(0, 2)) * 60 + Number(s.slice(3))),
], { error: 'a whole number ≥ 0, null (no limit), or a time of day "HH:MM"' });
const figureName = z.enum(POLICY_FIGURE_NAMES as [PolicyFigure, ...PolicyFigure[]]);

const override = z.strictObject({
  rule: figureName,
  value: figureValue,
  reason: z.string().trim().min(10, 'say why, in a sentence'),
  approvedBy: z.string().trim().min(1),
});

const jurisdictionConfig = z.strictObject({
  figures: z.partialRecord(figureName, figureValue).default({}),
  overrides: z.array(override).default([]),
});

export const contactPolicyConfigSchema = z.strictObject({
  version: z.string().min(1).max(64),
  defaultJurisdiction: z.enum(JURISDICTIONS),
  jurisdictions: z.partialRecord(z.enum(JURISDICTIONS), jurisdictionConfig).default({}),
});

const tighterOrEqual = (figure: PolicyFigure, value: number | null, preset: number | null): boolean =>
  POLICY_FIGURES[figure] === 'CAP' ? preset === null || (value !== null && value <= preset) : value !== null && value >= (preset ?? 0);

const shown = (figure: PolicyFigure, value: number | null) =>
  value === null ? 'no limit' : HOURS_FIGURES.includes(figure) ? clockTime(value) : String(value);

/** Parses the config and resolves each jurisdiction's policy; the error names every refused figure. */
export function parseContactPolicyConfig(raw: unknown, source = 'contact policy config', log: Logger = logger): ContactPolicySet {
  const parsed = contactPolicyConfigSchema.safeParse(raw);
  if (!parsed.success) {
    throw new Error(`${source} is invalid:\n  ${issueLines(parsed.error).join('\n  ')}`);
  }
  const cfg = parsed.data;
  const problems: string[] = [];
  const overridesToLog: Array<{ jurisdiction: Jurisdiction; override: PolicyOverride; presetValue: number | null }> = [];
  const policies = {} as Record<Jurisdiction, ContactPolicy>;

  for (const jurisdiction of JURISDICTIONS) {
    const preset = PRESETS[jurisdiction];
    const bank = cfg.jurisdictions[jurisdiction] ?? { figures: {}, overrides: [] };
    const figures = Object.fromEntries(POLICY_FIGURE_NAMES.map((f) => [f, preset.figures[f].value])) as Record<PolicyFigure, number | null>;
    const sources = Object.fromEntries(POLICY_FIGURE_NAMES.map((f) => [f, preset.figures[f].source])) as Record<PolicyFigure, string>;
    const at = (figure: PolicyFigure) => `jurisdictions.${jurisdiction}.${figure}`;

    for (const [name, value] of Object.entries(bank.figures) as Array<[PolicyFigure, number | null]>) {
      const presetFigure = preset.figures[name];
      if (presetFigure.legal && !tighterOrEqual(name, value, presetFigure.value)) {
        problems.push(
          `${at(name)}: ${shown(name, value)} loosens the ${jurisdiction} legal floor of ${shown(name, presetFigure.value)} (${presetFigure.source}); ` +
            'only an override entry { rule, value, reason, approvedBy } may do that',
        );
        continue;
      }
      figures[name] = value;
      sources[name] = `bank config ${cfg.version}, preset: ${presetFigure.source}`;
    }
    for (const o of bank.overrides) {
      if (o.rule in bank.figures) {
        problems.push(`${at(o.rule)}: set both as a figure and as an override; keep one`);
        continue;
      }
      figures[o.rule] = o.value;
      sources[o.rule] = `override approved by ${o.approvedBy} in bank config ${cfg.version}: ${o.reason}`;
      overridesToLog.push({ jurisdiction, override: o, presetValue: preset.figures[o.rule].value });
    }
    for (const name of HOURS_FIGURES) {
      const v = figures[name];
      if (v === null || v > 24 * 60) problems.push(`${at(name)}: contact hours need a time of day`);
    }
    if ((figures.CONTACT_HOURS_START ?? 0) >= (figures.CONTACT_HOURS_END ?? 0)) problems.push(`jurisdictions.${jurisdiction}: contact hours must start before they end`);
    if (figures.WINDOW_DAYS === null || figures.WINDOW_DAYS < 1) problems.push(`${at('WINDOW_DAYS')}: at least 1 day`);
    policies[jurisdiction] = { jurisdiction, version: cfg.version, figures, sources, thirdPartySource: preset.thirdPartyContact.source };
  }
  if (problems.length > 0) throw new Error(`${source} is refused:\n  ${problems.join('\n  ')}`);

  for (const { jurisdiction, override: o, presetValue } of overridesToLog) {
    log.warn(
      { configVersion: cfg.version, jurisdiction, rule: o.rule, presetValue, value: o.value, reason: o.reason, approvedBy: o.approvedBy },
      'contact policy override in force: a preset figure is replaced by the bank config',
    );
  }
  return { version: cfg.version, defaultJurisdiction: cfg.defaultJurisdiction, policies };
}

export function loadContactPolicyConfig(file = DEFAULT_CONTACT_POLICY_CONFIG_PATH, log: Logger = logger): ContactPolicySet {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`cannot read the contact policy config ${file}: ${(err as Error).message}`, { cause: err });
  }
  return parseContactPolicyConfig(raw, file, log);
}
