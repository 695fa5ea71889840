/**
 * Words and phrases no collection message may contain (SPEC §4: polite, professional, no
 * threats). Drawn from what debt-collection rules forbid: threats of arrest or prison, of
 * violence or seizure, of legal action used as a threat in a reminder, and shaming (telling
 * family, employer or neighbours, public lists). Matched case-insensitively as whole words
 * with their usual endings (arrested, sued, shameful), so "issue" does not match "sue" nor
 * "courtesy" "court". Legal escalation itself stays possible; it is
 * just never a threat in a reminder.
 */
export const THREATENING_WORDS: readonly string[] = [
  'jail',
  'prison',
  'arrest',
  'police',
  'criminal',
  'lawsuit',
  'sue',
  'court',
  'seize',
  'seizure',
  'confiscate',
  'bailiff',
  'repossess',
  'shame',
  'embarrass',
  'expose',
  'blacklist',
  'public list',
  'family will know',
  'tell your family',
  'your employer',
  'your neighbours',
  'last chance',
  'or else',
  'consequences',
  'punish',
  'threat',
  'threaten',
  'ruin',
];

/** The words of `words` found in `text`, each as a whole word with its usual endings. */
function wordsIn(words: readonly string[], text: string): string[] {
  return words.filter((word) => new RegExp(`\\b${word.replace(/ /g, '\\s+')}(s|es|d|ed|ing|ment|ful|ure)?\\b`, 'i').test(text));
}

/** The blocklisted words found in `text` (empty when it is clean). */
export function threateningWordsIn(text: string): string[] {
  return wordsIn(THREATENING_WORDS, text);
}

/**
 * What a message to a family member may never say (SPEC §3: it never discloses the debt, it
 * only asks the borrower to call back): the debt and its words, the account and its product,
 * collection, a visit. Whole words with their endings ("pay" finds payment and paid-up "pays"),
 * so repay and repayment are listed apart.
 */
export const DEBT_WORDS: readonly string[] = [
  'debt',
  'debtor',
  'overdue',
  'arrears',
  'loan',
  'credit',
  'card',
  'mortgage',
  'pay',
  'repay',
  'payment',
  'repayment',
  'owe',
  'owing',
  'outstanding',
  'balance',
  'amount',
  'money',
  'bill',
  'due',
  'late',
  'default',
  'instalment',
  'installment',
  'account',
  'collect',
  'collection',
  'collector',
  'recover',
  'recovery',
  'visit',
  'legal',
];

/** A sum of money: a currency sign or code by a figure, or a figure with cents. */
const AMOUNT = /[¥$€£]\s?\d|\b(CNY|RMB|USD|EUR|GBP|JPY|HKD|TWD)\s?\d|\d\s?(元|yuan)|\b\d[\d,]*\.\d{2}\b/i;

/** The debt words found in `text`, and "an amount" when it holds a sum of money (empty when it is clean). */
export function debtWordsIn(text: string): string[] {
  const found = wordsIn(DEBT_WORDS, text);
  return AMOUNT.test(text) ? [...found, 'an amount'] : found;
}
