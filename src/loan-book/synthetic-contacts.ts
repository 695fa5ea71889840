/**
 * Synthetic personal data for a card holder of the UCI dataset, which has none:
 * a Taiwanese-looking name, a national ID number of the right shape (with its check
 * digit), a home address, sometimes a workplace, a mobile number (+886 9…), sometimes
 * a landline, an example.com e-mail and preferred contact hours. Deterministic from
 * the holder's ID: every draw comes from SHA-256 of the ID, so the same holder gets the
 * same data on every machine and in every import. All of it is fake.
 */
import { createHash } from 'node:crypto';
import type { BorrowerRecord, ContactRecord } from './records';

const SURNAMES = ['Chen', 'Lin', 'Huang', 'Chang', 'Lee', 'Wang', 'Wu', 'Liu', 'Tsai', 'Yang', 'Hsu', 'Cheng', 'Hsieh', 'Kuo', 'Hung', 'Tseng'];
const SYLLABLES = ['Mei', 'Ling', 'Chia', 'Hui', 'Wei', 'Chih', 'Yu', 'Ting', 'Hsin', 'Jung', 'Chun', 'Hao', 'Ming', 'Ya', 'Shu', 'Kai'];
const ROADS = ['Zhongshan Rd.', 'Minsheng Rd.', 'Heping E. Rd.', 'Zhongzheng Rd.', 'Fuxing S. Rd.', 'Guangfu Rd.', 'Ziqiang Rd.', 'Jianguo Rd.'];
/** city, its area code, the ID-number letter of the city, districts */
const CITIES = [
  { city: 'Taipei City', areaCode: '2', idLetter: 'A', districts: ["Da'an", 'Xinyi', 'Zhongshan', 'Songshan', 'Neihu'] },
  { city: 'New Taipei City', areaCode: '2', idLetter: 'F', districts: ['Banqiao', 'Xinzhuang', 'Zhonghe', 'Sanchong', 'Tamsui'] },
  { city: 'Taoyuan City', areaCode: '3', idLetter: 'H', districts: ['Taoyuan', 'Zhongli', 'Bade', 'Guishan'] },
  { city: 'Taichung City', areaCode: '4', idLetter: 'B', districts: ['Xitun', 'Beitun', 'Nantun', 'Fengyuan'] },
  { city: 'Kaohsiung City', areaCode: '7', idLetter: 'E', districts: ['Lingya', 'Sanmin', 'Zuoying', 'Gushan'] },
] as const;
const EMPLOYERS = ['Example Semiconductor Corp.', 'Example Trading Co., Ltd.', 'Example General Hospital', 'Example Logistics Ltd.', 'Example Electronics Inc.', 'Example Bakery'];
const CONTACT_HOURS = [
  ['09:00', '12:00'],
  ['12:00', '14:00'],
  ['18:00', '21:00'],
] as const;

/** The two-digit value of an ID number's leading letter (the city where it was issued). */
const ID_LETTER_VALUE: Readonly<Record<string, number>> = { A: 10, B: 11, E: 14, F: 15, H: 17 };

/** Uniform draws in [0, 1), as many as asked, from SHA-256 of the key. */
function draws(key: string, count: number): number[] {
  const values: number[] = [];
  for (let block = 0; values.length < count; block++) {
    const digest = createHash('sha256').update(`${key}:${block}`).digest();
    for (let offset = 0; offset + 4 <= digest.length && values.length < count; offset += 4) values.push(digest.readUInt32BE(offset) / 2 ** 32);
  }
  return values;
}

/** A Taiwanese national ID number shape: letter, 1 or 2, seven digits, and the check digit that makes it valid. */
export function taiwanIdNumber(letter: string, body: string): string {
  const value = ID_LETTER_VALUE[letter] ?? 10;
  const digits = body.split('').map(Number);
  const weighted = Math.floor(value / 10) + (value % 10) * 9 + digits.reduce((sum, d, n) => sum + d * (8 - n), 0);
  return `${letter}${body}${(10 - (weighted % 10)) % 10}`;
}

export interface SyntheticPerson {
  borrower: Omit<BorrowerRecord, 'borrower_id' | 'time_zone' | 'jurisdiction'>;
  contacts: Omit<ContactRecord, 'borrower_id'>[];
}

export function syntheticPerson(seedKey: string, holderId: number): SyntheticPerson {
  const r = draws(seedKey, 20);
  const draw = (n: number) => r[n] ?? 0;
  const pick = <T>(xs: readonly T[], n: number): T => xs[Math.floor(draw(n) * xs.length)] as T;
  const digits = (n: number, length: number) => String(Math.floor(draw(n) * 10 ** length)).padStart(length, '0');

  const surname = pick(SURNAMES, 0);
  const given = `${pick(SYLLABLES, 1)}-${pick(SYLLABLES, 2).toLowerCase()}`;
  const home = pick(CITIES, 3);
  const employed = draw(4) < 0.6;
  const address = (n: number, city: (typeof CITIES)[number]) =>
    `No. ${1 + Math.floor(draw(n) * 300)}, ${pick(ROADS, n + 1)}, ${pick(city.districts, n + 2)} Dist., ${city.city}`;
  const hours = draw(8) < 0.6 ? pick(CONTACT_HOURS, 9) : undefined;

  const contacts: SyntheticPerson['contacts'] = [
    { kind: 'PHONE', label: 'MOBILE', value: `+8869${digits(10, 8)}`, preferred: true, contact_from: hours?.[0], contact_until: hours?.[1] },
    { kind: 'EMAIL', label: 'HOME', value: `${given.toLowerCase()}.${surname.toLowerCase()}.${holderId}@example.com`, preferred: true },
  ];
  if (draw(11) < 0.5) contacts.push({ kind: 'PHONE', label: 'HOME', value: `+886${home.areaCode}${digits(12, 8)}`, preferred: false });
  const work = employed ? pick(CITIES, 13) : undefined;
  if (work) contacts.push({ kind: 'PHONE', label: 'WORK', value: `+886${work.areaCode}${digits(14, 8)}`, preferred: false, contact_from: '09:00', contact_until: '17:00' });

  return {
    borrower: {
      full_name: `${surname} ${given}`,
      id_number: taiwanIdNumber(home.idLetter, `${draw(19) < 0.5 ? 1 : 2}${digits(15, 7)}`),
      home_address: address(5, home),
      work_address: work ? address(16, work) : undefined,
      workplace: work ? pick(EMPLOYERS, 13) : undefined,
    },
    contacts,
  };
}
