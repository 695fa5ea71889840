import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TEMPLATES, type ReminderContext } from '../../activities/templates';
import treatmentsJson from '../../config/treatments.json';
import { parseTreatments } from '../treatments/schema';
import fieldCollectionJson from '../../config/field-collection.json';
import { fieldCollectionConfigSchema } from '../field-collection/schema';
import negotiationJson from '../../config/negotiation.json';
import { parseNegotiationConfig } from '../negotiation/schema';
import { debtWordsIn, THREATENING_WORDS, threateningWordsIn } from './blocklist';
import { loadTemplateCatalogue, TemplateFileError } from './catalogue';
import { renderFamilyMessage, renderTemplate, TemplateRenderError, type MessageContext, type RenderedMessage } from './render';
import { PLACEHOLDER_PATTERN } from './schema';

const catalogue = loadTemplateCatalogue();
const account: ReminderContext = {
  product: 'LOAN',
  accountId: 'ACC-000123',
  currency: 'CNY',
  amountOverdue: 123_456,
  oldestUnpaidDueDate: '2026-10-15',
};
/** An account with an appointment (its slots and its visit as visit-times.ts writes them), an offer and a plan (as offer-text.ts writes them). */
const withAppointment: MessageContext = {
  ...account,
  proposedSlots: 'Tue 24 Nov 18:00-19:30, Thu 26 Nov 18:30-20:00',
  visitTime: 'Thu 26 Nov 18:30-20:00',
  offerOptions: '1) the overdue amount in 7 monthly payments of CNY 417.85, the last CNY 417.90, from 2026-12-15 (CNY 75.00 waived); 2) a single payment of CNY 8100.00 by 2026-12-15 settles the account (CNY 900.00 waived)',
  offerValidUntil: '2026-12-15',
  planInstalment: 'CNY 417.85 due on 2027-01-15',
};

/** Every template there is: each file, and the version-1 SMS templates still in code. */
const everyTemplate: RenderedMessage[] = [
  ...[...catalogue.values()].map((t) => renderTemplate(catalogue, { templateId: t.id, version: t.version }, withAppointment)),
  ...Object.values(TEMPLATES).map((t) => renderTemplate(catalogue, { templateId: t.id, version: t.version }, account)),
];
const borrowerTemplates = everyTemplate.filter((m) => m.audience === 'BORROWER');
const familyTemplates = everyTemplate.filter((m) => m.audience === 'FAMILY');

describe('templates', () => {
  it('are all loaded (files and the code-held v1 SMS)', () => {
    expect(everyTemplate.map((m) => `${m.templateId}.v${m.version}`).sort()).toEqual([
      'call-appointment.v1',
      'call-plan-late.v1',
      'call-reminder.v1',
      'email-appointment.v1',
      'email-offer.v1',
      'email-reminder.v1',
      'email-urgent-reminder.v1',
      'sms-appointment.v1',
      'sms-family-callback.v1',
      'sms-first-reminder.v1',
      'sms-first-reminder.v2',
      'sms-offer.v1',
      'sms-plan-reminder.v1',
      'sms-second-reminder.v1',
      'sms-second-reminder.v2',
      'sms-urgent-reminder.v1',
      'sms-visit-notice.v1',
    ]);
    expect(familyTemplates.map((m) => m.templateId)).toEqual(['sms-family-callback']);
  });

  it.each(everyTemplate.map((m) => [`${m.templateId}.v${m.version}`, m] as const))('%s has no threatening word and every placeholder filled', (_name, message) => {
    const rendered = `${message.subject ?? ''}\n${message.text}`;
    expect(threateningWordsIn(rendered)).toEqual([]);
    expect(rendered.match(PLACEHOLDER_PATTERN)).toBeNull();
    expect(rendered).not.toMatch(/\{\{|\}\}|undefined|null/);
  });

  it.each(borrowerTemplates.map((m) => [`${m.templateId}.v${m.version}`, m] as const))('%s, to the borrower, names the account', (_name, message) => {
    expect(message.text).toContain('0123');
  });

  it.each(familyTemplates.map((m) => [`${m.templateId}.v${m.version}`, m] as const))('%s, to a family member, says nothing of the debt, only where to call back', (_name, message) => {
    const rendered = `${message.subject ?? ''}\n${message.text}`;
    expect(debtWordsIn(rendered)).toEqual([]);
    for (const figure of ['0123', 'ACC', '1234', 'CNY', 'loan', '2026-10-15', 'Nov']) expect(rendered).not.toContain(figure);
    expect(rendered).toContain('95555');
    expect(renderFamilyMessage(catalogue, { templateId: message.templateId, version: message.version })).toEqual(message);
  });

  it('the reminders carry the amount overdue; the appointment messages carry their slots or visit time', () => {
    const text = (id: string) => everyTemplate.find((m) => m.templateId === id && m.version === 1)!.text;
    for (const id of ['call-reminder', 'email-reminder', 'sms-first-reminder', 'sms-urgent-reminder', 'call-appointment', 'sms-appointment', 'email-appointment'])
      expect([id, text(id)]).toEqual([id, expect.stringContaining('CNY 1234.56')]);
    for (const id of ['call-appointment', 'sms-appointment', 'email-appointment']) expect([id, text(id)]).toEqual([id, expect.stringContaining('Tue 24 Nov 18:00-19:30, Thu 26 Nov 18:30-20:00')]);
    expect(text('sms-visit-notice')).toBe(
      '[Arrears Bank] A colleague from Arrears Bank will visit you on Thu 26 Nov 18:30-20:00 about your loan account ending 0123, to talk about the overdue amount and a way forward. They will show their staff credentials. If this time does not suit you, please call 95555 (08:00-21:00) to change it.',
    );
    expect(text('sms-family-callback')).toBe(
      'Hello. A member of your family gave us this number as a way to reach them. Could you please ask them to call us back on 95555 (08:00-21:00)? Thank you, and sorry to trouble you.',
    );
  });

  it('the agent’s appointment script checks the right party before the account, then offers the slots and takes the address', () => {
    const script = renderTemplate(catalogue, { templateId: 'call-appointment' }, withAppointment).text;
    const at = (phrase: string) => {
      const i = script.indexOf(phrase);
      expect([phrase, i]).not.toEqual([phrase, -1]);
      return i;
    };
    expect(at('confirm you are speaking to the account holder')).toBeLessThan(at('account ending 0123'));
    expect(at('account ending 0123')).toBeLessThan(at('meet them in person'));
    expect(at('meet them in person')).toBeLessThan(at('Tue 24 Nov 18:00-19:30'));
    expect(at('Tue 24 Nov 18:00-19:30')).toBeLessThan(at('home or at their workplace'));
    expect(at('home or at their workplace')).toBeLessThan(at('record the confirmation'));
  });

  it('the negotiation config names templates that exist, for the right channel', () => {
    const { messages } = parseNegotiationConfig(negotiationJson);
    for (const { channel, templateId } of [...messages.offer, messages.reminder, messages.callBack])
      expect([templateId, renderTemplate(catalogue, { templateId }, withAppointment).channel]).toEqual([templateId, channel]);
  });

  it('the offer messages carry the options and their validity; the plan messages the instalment', () => {
    expect(renderTemplate(catalogue, { templateId: 'sms-offer' }, withAppointment).text).toBe(
      `[Arrears Bank] Thank you for talking with us about your loan account ending 0123. We can offer: ${withAppointment.offerOptions}. The offer is open until 2026-12-15. To accept one, or if none suits you, please call 95555 (08:00-21:00).`,
    );
    expect(renderTemplate(catalogue, { templateId: 'email-offer' }, withAppointment).text).toContain(`${withAppointment.offerOptions}\n\nThese options are open until 2026-12-15.`);
    for (const id of ['sms-plan-reminder', 'call-plan-late']) expect(renderTemplate(catalogue, { templateId: id }, withAppointment).text).toContain('CNY 417.85 due on 2027-01-15');
    expect(() => renderTemplate(catalogue, { templateId: 'sms-offer' }, account)).toThrow('needs {{offerOptions}}');
  });

  it('an appointment message without its appointment is refused, not sent with a gap', () => {
    expect(() => renderTemplate(catalogue, { templateId: 'sms-appointment' }, account)).toThrow(new TemplateRenderError('template sms-appointment needs {{proposedSlots}}, which this account does not have'));
    expect(() => renderTemplate(catalogue, { templateId: 'sms-visit-notice' }, { ...account, proposedSlots: 'Tue 24 Nov 18:00-19:30' })).toThrow('needs {{visitTime}}');
  });

  it('the field-collection config names templates that exist, for the right channel and audience', () => {
    const { appointment } = fieldCollectionConfigSchema.parse(fieldCollectionJson);
    for (const [channel, templateId] of Object.entries(appointment.templates))
      expect(renderTemplate(catalogue, { templateId }, withAppointment)).toMatchObject({ channel, audience: 'BORROWER' });
    expect(renderTemplate(catalogue, { templateId: appointment.visitNoticeTemplate }, withAppointment)).toMatchObject({ channel: 'SMS', audience: 'BORROWER' });
    expect(renderFamilyMessage(catalogue, { templateId: appointment.familyCallbackTemplate })).toMatchObject({ channel: 'SMS', audience: 'FAMILY' });
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

  it('the debt words catch the debt, the account and amounts, and not a plain call-back request', () => {
    expect(debtWordsIn('Your loan repayment is overdue; please pay the outstanding balance.')).toEqual(['overdue', 'loan', 'pay', 'repay', 'repayment', 'outstanding', 'balance']);
    expect(debtWordsIn('We owe you a call about the account and a visit from our collectors.')).toEqual(['owe', 'account', 'collector', 'visit']);
    expect(debtWordsIn('Arrears Bank')).toEqual(['arrears']);
    for (const sum of ['CNY 1234.56', '¥500', '$ 20', '300元', 'about 1,200.00 today']) expect([sum, debtWordsIn(sum)]).toEqual([sum, ['an amount']]);
    expect(debtWordsIn('Could you please ask them to call us back on 95555 (08:00-21:00)? Thank you.')).toEqual([]);
  });

  it('renders the e-mail with subject and the account figures', () => {
    expect(renderTemplate(catalogue, { templateId: 'email-reminder' }, { ...account, product: 'CREDIT_CARD', currency: 'JPY', amountOverdue: 5000 })).toEqual({
      templateId: 'email-reminder',
      version: 1,
      channel: 'EMAIL',
      audience: 'BORROWER',
      subject: 'Arrears Bank: payment overdue on your credit card account ending 0123',
      text: expect.stringContaining('Our records show that JPY 5000 on your credit card account ending 0123 has been overdue since 2026-10-15.'),
    });
  });

  it('picks the newest version when none is asked, and the code v1 when asked', () => {
    expect(renderTemplate(catalogue, { templateId: 'sms-first-reminder' }, account).version).toBe(2);
    const v1 = renderTemplate(catalogue, { templateId: 'sms-first-reminder', version: 1 }, account);
    expect(v1).toEqual({ templateId: 'sms-first-reminder', version: 1, channel: 'SMS', audience: 'BORROWER', text: TEMPLATES['sms-first-reminder']!.render(account) });
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

  it('is refused for an unknown audience', () => {
    expect(catalogueWith('sms-x.v1.json', { id: 'sms-x', version: 1, channel: 'SMS', audience: 'NEIGHBOUR', text: 'Hello' })).toThrow(/audience: Invalid option/);
  });

  it('to a family member, is refused for any placeholder but the bank’s name and contact', () => {
    const load = catalogueWith('sms-x.v1.json', { id: 'sms-x', version: 1, channel: 'SMS', audience: 'FAMILY', text: 'Please ask them to call {{bankContact}} about the one ending {{accountTail}} by {{dueDate}}' });
    expect(load).toThrow(/text: a FAMILY template may not use \{\{accountTail\}\} \(only bankName, bankContact\): it must not disclose the debt\n {2}text: a FAMILY template may not use \{\{dueDate\}\}/);
  });

  it('to a family member, is refused for a word of the debt or an amount, in its text or subject', () => {
    expect(catalogueWith('sms-x.v1.json', { id: 'sms-x', version: 1, channel: 'SMS', audience: 'FAMILY', text: 'Please ask them to call {{bankContact}} about their overdue payment' })).toThrow(
      /text: a FAMILY template must not speak of the debt: overdue, pay, payment/,
    );
    expect(catalogueWith('sms-x.v1.json', { id: 'sms-x', version: 1, channel: 'SMS', audience: 'FAMILY', text: 'Please ask them to call {{bankContact}} about CNY 300' })).toThrow(/must not speak of the debt: an amount/);
    expect(catalogueWith('email-x.v1.json', { id: 'email-x', version: 1, channel: 'EMAIL', audience: 'FAMILY', subject: 'Collection', text: 'Please ask them to call {{bankContact}}' })).toThrow(
      /subject: a FAMILY template must not speak of the debt: collection/,
    );
  });

  it('to a family member, is rendered only as a family message, and never with a filled-in value that names the debt', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'templates-'));
    fs.writeFileSync(path.join(dir, 'sms-named.v1.json'), JSON.stringify({ id: 'sms-named', version: 1, channel: 'SMS', audience: 'FAMILY', text: '[{{bankName}}] Please ask them to call us on {{bankContact}}.' }));
    fs.writeFileSync(path.join(dir, 'sms-plain.v1.json'), JSON.stringify({ id: 'sms-plain', version: 1, channel: 'SMS', text: 'Hello from {{bankName}}.' }));
    const bad = loadTemplateCatalogue(dir);
    // the schema lets {{bankName}} through; this bank's name is "Arrears Bank"
    expect(() => renderFamilyMessage(bad, { templateId: 'sms-named' })).toThrow(new TemplateRenderError('template sms-named v1 would tell a family member of the debt once filled in (arrears)'));
    expect(() => renderFamilyMessage(bad, { templateId: 'sms-plain' })).toThrow(new TemplateRenderError('template sms-plain v1 is for the borrower, not a family member (audience BORROWER)'));
    expect(() => renderFamilyMessage(bad, { templateId: 'sms-none', version: 2 })).toThrow('no template sms-none version 2');
  });

  it('is refused when the file name does not match its id and version', () => {
    expect(catalogueWith('sms-x.v2.json', { id: 'sms-x', version: 1, channel: 'SMS', text: 'Hello' })).toThrow(/must be named sms-x\.v1\.json/);
  });
});
