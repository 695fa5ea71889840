/**
 * What a borrower's SMS reply means (issue 15 §5). Only an opt-out is acted on: the reply
 * "STOP" (and the words US carriers treat the same, CTIA) or "退订" / "TD" (what Chinese
 * messages tell the reader to reply), alone in the message, any case, full- or half-width,
 * trailing punctuation ignored. Anything else is kept as OTHER and changes nothing.
 */
export const OPT_OUT_WORDS = ['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT', '退订', 'TD'] as const;

export type ReplyIntent = 'OPT_OUT' | 'OTHER';

export function replyIntent(text: string): ReplyIntent {
  const word = text
    .normalize('NFKC')
    .trim()
    .replace(/[\s.!?。！？]+$/u, '')
    .toUpperCase();
  return (OPT_OUT_WORDS as readonly string[]).includes(word) ? 'OPT_OUT' : 'OTHER';
}
