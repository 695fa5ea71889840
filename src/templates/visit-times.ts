/**
 * An appointment's times as the borrower reads them, on their own clock: "Tue 24 Nov
 * 18:00-19:30" for a visit, the proposed slots joined by ", ". A slot that ends on another
 * day says that day too. Language: English, as the templates.
 */
export interface TimeRange {
  startsAt: Date | string;
  endsAt: Date | string;
}

const formatters = new Map<string, { day: Intl.DateTimeFormat; time: Intl.DateTimeFormat }>();

function formattersFor(timeZone: string) {
  let f = formatters.get(timeZone);
  if (!f) {
    f = {
      day: new Intl.DateTimeFormat('en-GB', { timeZone, weekday: 'short', day: 'numeric', month: 'short' }),
      time: new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }),
    };
    formatters.set(timeZone, f);
  }
  return f;
}

/** "Tue 24 Nov" (en-GB writes "Tue, 24 Nov"; the comma only makes a list of slots harder to read). */
const dayOf = (f: Intl.DateTimeFormat, t: Date) => f.format(t).replace(',', '');

export function formatVisitTime({ startsAt, endsAt }: TimeRange, timeZone: string): string {
  const f = formattersFor(timeZone);
  const start = new Date(startsAt);
  const end = new Date(endsAt);
  const startDay = dayOf(f.day, start);
  const endDay = dayOf(f.day, end);
  return `${startDay} ${f.time.format(start)}-${endDay === startDay ? '' : `${endDay} `}${f.time.format(end)}`;
}

export function formatProposedSlots(slots: readonly TimeRange[], timeZone: string): string {
  return slots.map((slot) => formatVisitTime(slot, timeZone)).join(', ');
}
