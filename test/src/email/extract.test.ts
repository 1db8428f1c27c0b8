import { readFileSync } from 'fs';
import { join } from 'path';

import {
	extractCandidates,
	ExtractionPatternError,
	limitCandidates,
	MAX_TEXT_CHARS,
	normalizeCustomEmail,
	normalizeEmail,
	type Candidate,
	type ExtractionPatterns,
} from '../../../src/email';

const OWN = { ownDomains: ['firma.si'] };

function fixture(name: string) {
	return normalizeEmail(JSON.parse(readFileSync(join(__dirname, 'fixtures', `${name}.json`), 'utf8')) as Record<string, unknown>);
}

/** kind, value, score and where each piece of evidence came from ("text~" = quoted history). */
function summary(candidates: Candidate[]): Array<[string, string, number, string[]]> {
	return candidates.map((c) => [c.kind, c.value, c.score, c.evidence.map((e) => `${e.field}${e.quoted ? '~' : ''}`)]);
}

function fromText(text: string, patterns?: ExtractionPatterns, subject = '') {
	return extractCandidates(normalizeCustomEmail({ from: 'stranka@kupec.si', subject, text }), patterns, OWN).filter(
		(c) => c.value !== 'stranka@kupec.si',
	);
}

function values(candidates: Candidate[], kind: Candidate['kind']): string[] {
	return candidates.filter((c) => c.kind === kind).map((c) => c.value);
}

describe('extractCandidates on each trigger fixture', () => {
	it('IMAP simple (Slovenian order)', () => {
		expect(summary(extractCandidates(fixture('imap-simple'), {}, OWN))).toEqual([
			['email', 'janez.novak@podjetje.si', 3, ['from']],
			['email', 'ana.kovac@podjetje.si', 1, ['cc']],
			['document_number', '2024-00123', 5, ['subject', 'text']],
			['buyer_order', 'NAR-2024/118', 2, ['text']],
			['product_code', 'ART-001', 2, ['text']],
			['product_code', 'art400', 2, ['text']],
			['tax_number', 'SI50223054', 2, ['text']],
		]);
	});

	it('IMAP resolved (English invoice query with quoted history)', () => {
		expect(summary(extractCandidates(fixture('imap-resolved'), {}, OWN))).toEqual([
			['email', 'sarah.miller@acme-trading.co.uk', 3, ['from']],
			['email', 'accounts@acme-trading.co.uk', 2, ['text']],
			['document_number', 'INV-2024-0457', 5, ['subject', 'text']],
			['document_number', 'RA-2024-15', 0.5, ['text~']],
			['document_number', '5662', 0.5, ['text~']],
			['buyer_order', 'PO-88213', 2, ['text']],
			['tax_number', 'GB980780684', 2, ['text']],
		]);
	});

	it('Gmail simple (Slovenian status question)', () => {
		expect(extractCandidates(fixture('gmail-simple'), {}, OWN)).toEqual([
			{
				kind: 'email',
				value: 'marko.horvat@gmail.com',
				score: 3,
				evidence: [{ field: 'from', snippet: 'Marko Horvat <marko.horvat@gmail.com>', index: 0 }],
			},
			{
				kind: 'document_number',
				value: 'PR_SO-15',
				score: 5,
				evidence: [
					{ field: 'subject', snippet: 'Status naročila PR_SO-15', index: 16 },
					{ field: 'text', snippet: 'ravljeni, zanima me status naročila PR_SO-15. Ali je že odpremljeno? Hvala & lep', index: 40 },
				],
			},
		]);
	});

	it('Gmail full (English quotation request with reply-to)', () => {
		expect(summary(extractCandidates(fixture('gmail-full'), {}, OWN))).toEqual([
			['email', 'luca.bianchi@bianchi-srl.it', 3, ['from']],
			['email', 'ordini@bianchi-srl.it', 3, ['reply_to']],
			['product_code', '10455', 2, ['text']],
			['product_code', 'ART-0099', 2, ['text']],
			['tax_number', 'IT00743110157', 2, ['text']],
		]);
	});

	it('Gmail raw (Slovenian complaint replying to our invoice)', () => {
		expect(summary(extractCandidates(fixture('gmail-raw'), {}, OWN))).toEqual([
			['email', 'mojca@zupancic-trgovina.si', 3, ['from']],
			['email', 'peter.kovac@zupancic-trgovina.si', 1, ['cc']],
			['document_number', '2024-00457', 5.5, ['subject', 'text', 'text~']],
			['document_number', 'DOB-2025-3', 0.5, ['text~']],
			['product_code', 'ART-0042', 2, ['text']],
			['tax_number', 'SI50223054', 2, ['text']],
		]);
	});

	it('Outlook (Slovenian, Outlook reply header, invalid tax number)', () => {
		expect(summary(extractCandidates(fixture('outlook'), {}, OWN))).toEqual([
			['email', 'tomaz@kranjc.si', 3.5, ['from', 'text~']],
			['document_number', 'P-24-0042', 5.5, ['subject', 'text', 'text~']],
			['buyer_order', '2024-00991', 2, ['text']],
			['product_code', 'art455', 2, ['text']],
			['product_code', 'art456', 2, ['text']],
		]);
	});

	it('every snippet is at most 80 characters and contains the value', () => {
		for (const name of ['imap-simple', 'imap-resolved', 'gmail-simple', 'gmail-full', 'gmail-raw', 'outlook']) {
			for (const candidate of extractCandidates(fixture(name), {}, OWN)) {
				for (const evidence of candidate.evidence) {
					expect(evidence.snippet.length).toBeLessThanOrEqual(80);
					expect(evidence.snippet.toLowerCase()).toContain(candidate.kind === 'tax_number' ? candidate.value.slice(2, 5).toLowerCase() : candidate.value.toLowerCase());
				}
			}
		}
	});

	it('is deterministic', () => {
		const email = fixture('imap-resolved');
		expect(extractCandidates(email, {}, OWN)).toEqual(extractCandidates(email, {}, OWN));
	});
});

describe('addresses', () => {
	it('excludes own domains (subdomains too) and no-reply senders', () => {
		const email = normalizeCustomEmail({
			from: 'Shop <no-reply@trgovina.si>',
			to: 'prodaja@firma.si, Janez <janez@stranka.si>',
			text: 'Kopija: skladisce@mail.firma.si, ana@stranka.si, mailer-daemon@stranka.si, DoNotReply@banka.si',
		});
		expect(summary(extractCandidates(email, {}, { ownDomains: ['@Firma.si'] }))).toEqual([
			['email', 'ana@stranka.si', 2, ['text']],
			['email', 'janez@stranka.si', 1, ['to']],
		]);
	});

	it('without ownDomains the company mailboxes are candidates too', () => {
		const email = normalizeCustomEmail({ from: 'janez@stranka.si', to: 'prodaja@firma.si' });
		expect(values(extractCandidates(email), 'email')).toEqual(['janez@stranka.si', 'prodaja@firma.si']);
	});
});

describe('tax numbers', () => {
	it('accepts valid Slovenian and EU VAT numbers and rejects bad checksums', () => {
		const text = [
			'ID za DDV: SI 5022 3054',
			'Napačna: SI50223055, SI12345678',
			'Davčna številka: 12345678',
			'OIB: 33392005961, napačen OIB 33392005962',
			'UID ATU13585627, USt-IdNr. DE136695976, HU12892312, FR 40 303 265 045, IT00743110157',
			'wrong: ATU13585628, DE136695977, IT00743110158',
		].join('\n');
		expect(values(fromText(text), 'tax_number')).toEqual([
			'SI50223054',
			'HR33392005961',
			'ATU13585627',
			'DE136695976',
			'HU12892312',
			'FR40303265045',
			'IT00743110157',
		]);
	});

	it('a bare 8-digit number is a tax number only after a tax keyword', () => {
		expect(values(fromText('Naša davčna št. je 50223054. Tel 50223054.'), 'tax_number')).toEqual(['SI50223054']);
		expect(values(fromText('Koda 50223054'), 'tax_number')).toEqual([]);
	});
});

describe('document numbers', () => {
	it('finds Metakocka-like count codes and numbers after document words', () => {
		const text = [
			'Račun št. 2024-001 in naročilo št. 123.',
			'Ponudba: P-24-0042, dobavnica RA-2024-15, dokument PR_SO-15.',
			'Order #5662, invoice no. 77812, quote Q-2024-7.',
			'Predračun 2025-00042 velja 30 dni.',
		].join('\n');
		expect(values(fromText(text), 'document_number')).toEqual([
			'2024-001',
			'123',
			'P-24-0042',
			'RA-2024-15',
			'PR_SO-15',
			'5662',
			'77812',
			'Q-2024-7',
			'2025-00042',
		]);
	});

	it('never offers dates, phone numbers, IBANs or amounts', () => {
		const text = [
			'Račun: 1.234,56 EUR. Račun za znesek 2024,00 € je plačan. Invoice: 1500 EUR.',
			'Naročilo z dne 01.05.2024, ponudba 2024-05-01, order 20.5.2024, invoice 2024.',
			'Naročilo tel. 041 123 456, račun 041 123 456, naročilo +386 41 123 456, GSM: 031-555-444.',
			'TRR račun: SI56 0201 0001 2345 678, račun SI56020100012345678, IBAN GB29 NWBK 6016 1331 9268 19.',
			'Naročilo 500 kos, dostava ob 10:30, SI-1000 Ljubljana, ISO-9001, COVID-19, UTF-8.',
			'Datumi: 2024-05-01, 1. 5. 2024, 05/01/2024. Znesek € 1500, 2.500,00 EUR.',
		].join('\n');
		expect(values(fromText(text), 'document_number')).toEqual([]);
	});

	it('applies per-company regexes in addition to the defaults (group 1 is the value)', () => {
		const patterns = { documentNumbers: [String.raw`DN\d{9}`, String.raw`/interna\s+(\d{6})/i`] };
		const text = 'Glej DN202400077 in INTERNA 123456 ter račun 2024-00123.';
		expect(values(fromText(text, patterns), 'document_number')).toEqual(['DN202400077', '123456', '2024-00123']);
		expect(values(fromText(text), 'document_number')).toEqual(['2024-00123']);
	});

	it('deduplicates and keeps all the evidence (up to 10), best first', () => {
		const text = `${'Naročilo PR_SO-15. '.repeat(12)}\nOn Mon, Janez wrote:\n> naročilo PR_SO-9`;
		const result = fromText(text, {}, 'naročilo PR_SO-9');
		expect(summary(result.filter((c) => c.kind === 'document_number')).map(([, value, score, evidence]) => [value, score, evidence.length])).toEqual([
			['PR_SO-15', 24, 10],
			['PR_SO-9', 3.5, 2],
		]);
	});
});

describe('buyer orders and product codes', () => {
	it('buyer order numbers after naročilnica / PO / purchase order / vaše naročilo', () => {
		const text = [
			'Naročilnica št. 4500012345.',
			'PO: 88213, P.O. 77-12',
			'purchase order PUR-2024-9',
			'vaše naročilo 2024-00991',
			'po naročilu 5555 (lower-case "po" is a preposition)',
		].join('\n');
		expect(values(fromText(text), 'buyer_order')).toEqual(['4500012345', '88213', '77-12', 'PUR-2024-9', '2024-00991']);
	});

	it('default product codes: ART-style tokens and codes after šifra/koda/code/SKU', () => {
		const text = 'Rabim art400, ART-001 in Art_22. Šifra: VIJ-M8-40, koda 12345, SKU 998877, EAN 3830001234567. Poštna koda 1000, promo code SUMMER24.';
		expect(values(fromText(text), 'product_code')).toEqual(['art400', 'ART-001', 'Art_22', 'VIJ-M8-40', '12345', '998877', '3830001234567']);
	});

	it('per-company product patterns replace the default ART pattern', () => {
		const patterns = { productCodes: [String.raw`\b\d{3}-\d{3}-\d{2}\b`] };
		expect(values(fromText('Artikla 100-200-30 in 100-200-31, tudi art400.', patterns), 'product_code')).toEqual(['100-200-30', '100-200-31']);
	});

	it('an invalid per-company pattern is reported clearly', () => {
		expect(() => fromText('x', { documentNumbers: ['(unclosed'] })).toThrow(ExtractionPatternError);
		expect(() => fromText('x', { productCodes: [''] })).toThrow(/Invalid extraction pattern/);
	});
});

describe('quoted history', () => {
	it.each([
		['English reply header', 'Hvala.\n\nOn Tue, 14 Jan 2025 at 08:30, Prodaja <prodaja@firma.si>\nwrote:\nRačun 2024-00457 je v prilogi.'],
		['Slovenian reply header', 'Hvala.\n\nDne 13. 1. 2025 ob 15:02 je Prodaja <prodaja@firma.si> napisal(a):\nRačun 2024-00457 je v prilogi.'],
		['Gmail Slovenian', 'Hvala.\n\nV tor., 14. jan. 2025 ob 08:30 je oseba Prodaja <prodaja@firma.si> napisala:\nRačun 2024-00457 je v prilogi.'],
		['"> " lines', 'Hvala.\n> Račun 2024-00457 je v prilogi.\nLp'],
		['Outlook header', 'Hvala.\n\nFrom: Prodaja <prodaja@firma.si>\nSent: Monday, March 3, 2025 10:12\nRačun 2024-00457 je v prilogi.'],
	])('%s marks the evidence as quoted', (_name, text) => {
		expect(summary(fromText(text))).toEqual([['document_number', '2024-00457', 0.5, ['text~']]]);
	});

	it('forwarded messages are not history', () => {
		const text = 'Poglej spodaj.\n\nFrom: Kupec <kupec@stranka.si>\nSent: Monday, March 3, 2025 10:12\nRačun 2024-00457 ni plačan.';
		expect(summary(fromText(text, {}, 'FW: Račun'))).toEqual([
			['email', 'kupec@stranka.si', 2, ['text']],
			['document_number', '2024-00457', 2, ['text']],
		]);
	});
});

describe('bounded work', () => {
	it(`only searches the first ${MAX_TEXT_CHARS} characters, so a 1 MB hostile body finishes`, () => {
		const hostile = `Račun 2024-00001. ${'naročilo št. '.repeat(40_000)}${'A-'.repeat(150_000)}${' '.repeat(300_000)}Račun 2024-99999.`;
		expect(hostile.length).toBeGreaterThan(1_000_000);
		const found = values(fromText(hostile), 'document_number');
		expect(found).toContain('2024-00001');
		expect(found).not.toContain('2024-99999');
	});

	it('pathological quote headers and e-mail-like runs do not blow up', () => {
		const lines = `${'On '.padEnd(290, 'x ')}\n`.repeat(3_000) + `${'V '.padEnd(290, 'y ')}\n`.repeat(3_000);
		expect(fromText(lines + 'a.'.repeat(100_000) + '@')).toEqual([]);
	});
});

describe('limitCandidates', () => {
	const c = (kind: Candidate['kind'], value: string, score: number): Candidate => ({ kind, value, score, evidence: [{ field: 'text', snippet: value, index: 0 }] });

	it('keeps the best of each kind, then the strongest overall, in extraction order, and reports the rest', () => {
		const email = normalizeCustomEmail({
			from: 'Napadalec <attacker@amp.example>',
			to: Array.from({ length: 300 }, (_, i) => `r${i}@amp-${i}.example`).join(', '),
			subject: 'Računi',
			text: Array.from({ length: 2000 }, (_, i) => `RA-2024-${10000 + i}`).join(' '),
		});
		const all = extractCandidates(email, {}, OWN);
		expect(all.filter((x) => x.kind === 'document_number')).toHaveLength(2000);
		const { candidates, skipped } = limitCandidates(all);
		expect(candidates.map((x) => x.kind)).toEqual([...Array(5).fill('email'), ...Array(5).fill('document_number')]);
		// The sender (weight 3) beats the recipients (weight 1).
		expect(candidates[0].value).toBe('attacker@amp.example');
		expect(skipped).toMatchObject({ count: all.length - 10, byKind: { email: 296, document_number: 1995 } });
		expect(skipped.examples).toHaveLength(20);
	});

	it('the per-email cap keeps the highest scores across kinds', () => {
		const list = [c('email', 'a@x.si', 3), c('email', 'b@x.si', 1), c('document_number', 'PP-1', 3), c('document_number', 'PP-2', 2), c('tax_number', 'SI1', 0.5)];
		const { candidates, skipped } = limitCandidates(list, { perKind: 5, perEmail: 3 });
		expect(candidates.map((x) => x.value)).toEqual(['a@x.si', 'PP-1', 'PP-2']);
		expect(skipped.byKind).toEqual({ email: 1, tax_number: 1 });
		expect(limitCandidates(list, { perKind: 1 }).candidates.map((x) => x.value)).toEqual(['a@x.si', 'PP-1', 'SI1']);
		expect(limitCandidates(list).skipped).toEqual({ count: 0, byKind: {}, examples: [] });
		expect(() => limitCandidates(list, { perKind: 0 })).toThrow(/perKind/);
	});
});
