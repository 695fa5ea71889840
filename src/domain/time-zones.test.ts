import { calendarDateIn, canonicalTimeZone } from './time-zones';

describe('calendarDateIn', () => {
  it('gives the business day in the zone, not in UTC', () => {
    // 22:30 UTC on 30 Sep is 06:30 on 1 Oct in Shanghai (UTC+8) and 18:30 on 30 Sep in New York (UTC-4).
    const instant = Date.parse('2005-09-30T22:30:00Z');
    expect(calendarDateIn(instant, 'Asia/Shanghai')).toBe('2005-10-01');
    expect(calendarDateIn(instant, 'America/New_York')).toBe('2005-09-30');
    expect(calendarDateIn(instant, 'UTC')).toBe('2005-09-30');
  });

  it('pads months and days to two digits', () => {
    expect(calendarDateIn(Date.parse('2026-01-05T12:00:00Z'), 'Europe/Berlin')).toBe('2026-01-05');
  });
});

describe('canonicalTimeZone', () => {
  it('spells zone names the IANA way and refuses anything else', () => {
    expect(canonicalTimeZone('Asia/Shanghai')).toBe('Asia/Shanghai');
    expect(canonicalTimeZone('asia/shanghai')).toBe('Asia/Shanghai');
    expect(canonicalTimeZone('UTC')).toBe('UTC');
    expect(canonicalTimeZone('Mars/Olympus_Mons')).toBeUndefined();
    expect(canonicalTimeZone('+08:00')).toBeUndefined();
    expect(canonicalTimeZone('')).toBeUndefined();
  });
});
