import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TEMPLATES, type ReminderContext } from '../../activities/templates';
import treatmentsJson from '../../config/treatments.json';
import { parseTreatments } from '../treatments/schema';
import { THREATENING_WORDS, threateningWordsIn } from './blocklist';
import { loadTemplateCatalogue, TemplateFileError } from './catalogue';
import { renderTemplate, TemplateRenderError, type RenderedMessage } from './render';
import { PLACEHOLDER_PATTERN } from './schema';

const catalogue = loadTemplateCatalogue();
const account: ReminderContext = {
  product: 'LOAN',
  accountId: 'ACC-000123',
  currency: 'CNY',
  amountOverdue: 123_456,
  oldestUnpaidDueDate: '2026-10-15',
};

/** Every template there is: each file, and the version-1 SMS templates still in code. */
const everyTemplate: RenderedMessage[] = [
  ...[...catalogue.values()].map((t) => renderTemplate(catalogue, { templateId: t.id, version: t.version }, account)),
  ...Object.values(TEMPLATES).map((t) => renderTemplate(catalogue, { templateId: t.id, version: t.version }, account)),
];

describe('templates', () => {
  it('are all loaded (files and the code-held v1 SMS)', () => {
    expect(everyTemplate.map((m) => `${m.templateId}.v${m.version}`).sort()).toEqual([
      'call-reminder.v1',
      'email-reminder.v1',
      'email-urgent-reminder.v1',
      'sms-first-reminder.v1',
      'sms-first-reminder.v2',
      'sms-second-reminder.v1',
      'sms-second-reminder.v2',
      'sms-urgent-reminder.v1',
    ]);
  });

  it.each(everyTemplate.map((m) => [`${m.templateId}.v${m.version}`, m] as const))('%s has no threatening word and every placeholder filled', (_name, message) => {
    const rendered = `${message.subject ?? ''}\n${message.text}`;
    expect(threateningWordsIn(rendered)).toEqual([]);
    expect(rendered.match(PLACEHOLDER_PATTERN)).toBeNull();
    expect(rendered).not.toMatch(/\{\{|\}\}|undefined|null/);
    expect(message.text).toContain('CNY 1234.56');
    expect(message.text).toContain('0123');
  });

  it('every template file, as written, is free of the blocklisted words', () => {
    for (const t of catalogue.values()) expect([t.id, threateningWordsIn(`${t.subject ?? ''}\n${t.text}`)]).toEqual([t.id, []]);
  });

  it('the blocklist catches what it should, and not innocent words', () => {
    expect(threateningWordsIn('We will SUE you; the police will be told and you will be arrested.')).toEqual(['arrest', 'police', 'sue']);
    expect(threateningWordsIn('Your family will  know about this shameful debt.')).toEqual(['shame', 'family will know']);
    expect(threateningWordsIn('This issue is handled with courtesy; please pursue it with us.')).toEqual([]);
    expect(THREATENING_WORDS.length).toBeGreaterThan(20);
  });

  it('renders the e-mail with subject and the account figures', () => {
    expect(renderTemplate(catalogue, { templateId: 'email-reminder' }, { ...account, product: 'CREDIT_CARD', currency: 'JPY', amountOverdue: 5000 })).toEqual({
      templateId: 'email-reminder',
      version: 1,
      channel: 'EMAIL',
      subject: 'Arrears Bank: payment overdue on your credit card account ending 0123',
      text: expect.stringContaining('Our records show that JPY 5000 on your credit card account ending 0123 has been overdue since 2026-10-15.'),
    });
  });

  it('picks the newest version when none is asked, and the code v1 when asked', () => {
    expect(renderTemplate(catalogue, { templateId: 'sms-first-reminder' }, account).version).toBe(2);
    const v1 = renderTemplate(catalogue, { templateId: 'sms-first-reminder', version: 1 }, account);
    expect(v1).toEqual({ templateId: 'sms-first-reminder', version: 1, channel: 'SMS', text: TEMPLATES['sms-first-reminder']!.render(account) });
  });

  it('refuses to render with a figure missing, or an unknown template', () => {
    expect(() => renderTemplate(catalogue, { templateId: 'sms-first-reminder' }, { ...account, oldestUnpaidDueDate: null })).toThrow(
      new TemplateRenderError('template sms-first-reminder needs {{dueDate}}, which this account does not have'),
    );
    expect(() => renderTemplate(catalogue, { templateId: 'sms-threat', version: 3 }, account)).toThrow('no template sms-threat version 3');
  });

  it('has a template of the right channel for every step of every treatment', () => {
    for (const treatment of Object.values(parseTreatments(treatmentsJson).treatments))
      for (const step of treatment.steps)
        expect(renderTemplate(catalogue, { templateId: step.templateId, version: step.templateVersion }, account).channel).toBe(step.channel);
  });
});

describe('a bad template file', () => {
  function catalogueWith(name: string, content: object): () => unknown {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'templates-'));
    fs.writeFileSync(path.join(dir, name), JSON.stringify(content));
    return () => loadTemplateCatalogue(dir);
  }

  it('is refused for an unknown placeholder, naming the file and field', () => {
    const load = catalogueWith('sms-x.v1.json', { id: 'sms-x', version: 1, channel: 'SMS', text: 'Pay {{amuontOverdue}} now' });
    expect(load).toThrow(TemplateFileError);
    expect(load).toThrow(/sms-x\.v1\.json:\n {2}text: unknown placeholder \{\{amuontOverdue\}\}/);
  });

  it('is refused for an e-mail without a subject', () => {
    expect(catalogueWith('email-x.v1.json', { id: 'email-x', version: 1, channel: 'EMAIL', text: 'Hello' })).toThrow(/subject: an e-mail template needs a subject/);
  });

  it('is refused when the file name does not match its id and version', () => {
    expect(catalogueWith('sms-x.v2.json', { id: 'sms-x', version: 1, channel: 'SMS', text: 'Hello' })).toThrow(/must be named sms-x\.v1\.json/);
  });
});
