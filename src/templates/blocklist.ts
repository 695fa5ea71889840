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

/** The blocklisted words found in `text` (empty when it is clean). */
export function threateningWordsIn(text: string): string[] {
  return THREATENING_WORDS.filter((word) => new RegExp(`\\b${word.replace(/ /g, '\\s+')}(s|es|d|ed|ing|ment|ful|ure)?\\b`, 'i').test(text));
}
