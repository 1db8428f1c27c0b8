import { changedSince, formatMkDate, formatMkFilterTimestamp, formatMkTimestamp, parseMkDate } from '../../../src/client';

describe('formatMkDate', () => {
	it('writes the Ljubljana calendar day with a literal +02:00, summer and winter', () => {
		expect(formatMkDate(new Date('2024-07-15T10:00:00Z'))).toBe('2024-07-15+02:00');
		expect(formatMkDate(new Date('2024-01-15T10:00:00Z'))).toBe('2024-01-15+02:00');
	});

	it('uses the Ljubljana day, not the UTC day, around midnight', () => {
		// 23:30 UTC on 31 Jan is 00:30 on 1 Feb in Ljubljana (UTC+1).
		expect(formatMkDate(new Date('2024-01-31T23:30:00Z'))).toBe('2024-02-01+02:00');
		// 22:30 UTC on 30 Jun is 00:30 on 1 Jul in Ljubljana (UTC+2).
		expect(formatMkDate(new Date('2024-06-30T22:30:00Z'))).toBe('2024-07-01+02:00');
		expect(formatMkDate('2024-06-30T21:30:00Z')).toBe('2024-06-30+02:00');
	});

	it('keeps the day of date-only inputs whatever the host zone', () => {
		expect(formatMkDate('2024-12-24')).toBe('2024-12-24+02:00');
		expect(formatMkDate('24.12.2024')).toBe('2024-12-24+02:00');
		expect(formatMkDate('5.3.2024')).toBe('2024-03-05+02:00');
		expect(formatMkDate('2014-11-23+02:00')).toBe('2014-11-23+02:00');
		expect(formatMkDate('2014-11-23+01:00')).toBe('2014-11-23+02:00');
	});

	it('rejects nonsense', () => {
		expect(() => formatMkDate('2024-02-30')).toThrow(RangeError);
		expect(() => formatMkDate('tomorrow')).toThrow(/Invalid date/);
		expect(() => formatMkDate(new Date('x'))).toThrow(RangeError);
	});
});

describe('formatMkTimestamp', () => {
	it('writes the instant at UTC+2', () => {
		expect(formatMkTimestamp(new Date('2023-05-31T12:54:45Z'))).toBe('2023-05-31T14:54:45+02:00');
		// Winter: still +02:00, so the wall clock is one hour ahead of Ljubljana's, but the instant is right.
		expect(formatMkTimestamp('2024-01-10T08:00:00Z')).toBe('2024-01-10T10:00:00+02:00');
		expect(formatMkTimestamp('2024-01-10T09:00:00+01:00')).toBe('2024-01-10T10:00:00+02:00');
		expect(formatMkTimestamp('2024-01-10T22:30:00Z')).toBe('2024-01-11T00:30:00+02:00');
	});

	it('reads zone-less and date-only inputs as Ljubljana wall time', () => {
		expect(formatMkTimestamp('2024-07-01T08:15:00')).toBe('2024-07-01T08:15:00+02:00');
		expect(formatMkTimestamp('2024-01-10T08:15:00')).toBe('2024-01-10T09:15:00+02:00');
		expect(formatMkTimestamp('2024-01-10')).toBe('2024-01-10T01:00:00+02:00');
		expect(formatMkTimestamp('10.07.2024')).toBe('2024-07-10T00:00:00+02:00');
	});
});

describe('parseMkDate', () => {
	it('reads Metakocka dates as midnight in Ljubljana', () => {
		expect(parseMkDate('2024-07-15+02:00')?.toISOString()).toBe('2024-07-14T22:00:00.000Z');
		expect(parseMkDate('2024-01-15+02:00')?.toISOString()).toBe('2024-01-14T23:00:00.000Z');
		expect(parseMkDate('15.01.2024')?.toISOString()).toBe('2024-01-14T23:00:00.000Z');
	});

	it('round-trips with formatMkDate in winter and summer', () => {
		for (const s of ['2024-01-15+02:00', '2024-07-15+02:00', '2024-03-31+02:00', '2024-10-27+02:00']) {
			expect(formatMkDate(parseMkDate(s) as Date)).toBe(s);
		}
	});

	it('reads timestamps as instants', () => {
		expect(parseMkDate('2023-05-31T14:54:45+02:00')?.toISOString()).toBe('2023-05-31T12:54:45.000Z');
		expect(parseMkDate('2023-05-31T14:54:45Z')?.toISOString()).toBe('2023-05-31T14:54:45.000Z');
		expect(parseMkDate('2023-05-31T14:54:45+0200')?.toISOString()).toBe('2023-05-31T12:54:45.000Z');
	});

	it('returns null for anything else', () => {
		expect(parseMkDate('')).toBeNull();
		expect(parseMkDate('31.02.2024')).toBeNull();
		expect(parseMkDate('yesterday')).toBeNull();
		expect(parseMkDate(undefined as unknown as string)).toBeNull();
	});
});

describe('formatMkFilterTimestamp / changedSince (finding 4)', () => {
	it('writes Ljubljana wall-clock time with Ljubljana\'s real offset: the same instant whether Metakocka reads the offset or the wall clock', () => {
		// Winter: UTC+1. The old literal +02:00 wrote 10:00 for 09:00 in Ljubljana.
		expect(formatMkFilterTimestamp(new Date('2024-01-10T08:00:00Z'))).toBe('2024-01-10T09:00:00+01:00');
		// Summer: UTC+2.
		expect(formatMkFilterTimestamp(new Date('2023-05-31T12:54:45.678Z'))).toBe('2023-05-31T14:54:45+02:00');
		// Around the switch to summer time (31 Mar 2024, 01:00 UTC).
		expect(formatMkFilterTimestamp('2024-03-31T00:59:59Z')).toBe('2024-03-31T01:59:59+01:00');
		expect(formatMkFilterTimestamp('2024-03-31T01:00:00Z')).toBe('2024-03-31T03:00:00+02:00');
		expect(formatMkFilterTimestamp(Date.UTC(2024, 10, 1, 12))).toBe('2024-11-01T13:00:00+01:00');
	});

	it('is always the full YYYY-MM-DDTHH:MM:SS±HH:MM form (a date, no offset and Z are rejected live)', () => {
		const full = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$/;
		for (const input of ['2024-01-15', '15.01.2024', '2024-01-15T10:00', '2024-07-15T10:00:00Z', '2024-07-15T10:00:00+00:00', '2024-07-15+02:00']) {
			expect(formatMkFilterTimestamp(input)).toMatch(full);
		}
		expect(formatMkFilterTimestamp('2024-01-15')).toBe('2024-01-15T00:00:00+01:00');
		expect(formatMkFilterTimestamp('2024-01-15T10:00')).toBe('2024-01-15T10:00:00+01:00');
	});

	it('changedSince is the one last_change_from filter', () => {
		expect(changedSince(new Date('2024-01-10T08:00:00Z'))).toEqual({ type: 'last_change_from', value: '2024-01-10T09:00:00+01:00' });
	});
});

describe('one owner of Metakocka date spellings', () => {
	it('the template reads dates through the client (same instant, same calendar day)', async () => {
		const { parseDate } = await import('../../../src/template');
		for (const input of ['2024-01-10 10:00:00', '10.1.2024 10:00', '10. 1. 2024 10:00', '2024-07-10T10:00:00+02:00']) {
			expect([input, parseDate(input)?.date.getTime()]).toEqual([input, parseMkDate(input)?.getTime()]);
		}
		expect(parseDate('2024-05-01+02:00')).toEqual({ date: new Date(Date.UTC(2024, 4, 1)), hasTime: false });
		expect(parseMkDate('2024-01-10 24:30')).toBeNull();
		expect(parseDate('10.1.2024 25:00')).toBeUndefined();
	});
});
