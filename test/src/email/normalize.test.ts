import { readFileSync } from 'fs';
import { join } from 'path';

import {
	EmailInputError,
	htmlToText,
	normalizeCustomEmail,
	normalizeEmail,
	parseAddressList,
	type NormalizedEmail,
} from '../../../src/email';

function fixture(name: string): Record<string, unknown> {
	return JSON.parse(readFileSync(join(__dirname, 'fixtures', `${name}.json`), 'utf8')) as Record<string, unknown>;
}

function inputError(fn: () => unknown): EmailInputError {
	try {
		fn();
	} catch (error) {
		expect(error).toBeInstanceOf(EmailInputError);
		return error as EmailInputError;
	}
	throw new Error('expected an EmailInputError');
}

const rfc822 = (lines: string[]) => lines.join('\r\n');

describe('normalizeEmail: n8n trigger shapes', () => {
	it('IMAP simple format (Slovenian)', () => {
		const email = normalizeEmail(fixture('imap-simple'));
		expect(email).toMatchObject<Partial<NormalizedEmail>>({
			messageId: '<CAF8x7=Yq2m@mail.podjetje.si>',
			from: { address: 'janez.novak@podjetje.si', name: 'Janez Novak' },
			to: [{ address: 'prodaja@firma.si', name: 'Prodaja' }],
			cc: [{ address: 'ana.kovac@podjetje.si', name: 'Kovač, Ana' }, { address: 'racunovodstvo@firma.si' }],
			subject: 'Naročilo - vijaki M8 (ponudba 2024-00123)',
			date: '2024-05-06T07:12:45.000Z',
			source: 'imap',
		});
		expect(email.replyTo).toBeUndefined();
		expect(email.text).toMatch(/^Pozdravljeni,\n\nna podlagi vaše ponudbe št\. 2024-00123 naročamo:\n/);
		expect(email.text).not.toContain('\r');
		expect(email.html).toContain('<div dir="ltr">');
		expect(normalizeEmail(fixture('imap-simple'), 'imap')).toEqual(email);
	});

	it('IMAP simple with only an HTML part converts it to text', () => {
		const item = fixture('imap-simple');
		delete item.textPlain;
		const email = normalizeEmail(item);
		expect(email.text).toContain('Naša naročilnica: NAR-2024/118\nRok dobave: 15.05.2024');
		expect(email.text).not.toContain('<div>');
	});

	it('IMAP resolved format (mailparser, English)', () => {
		const email = normalizeEmail(fixture('imap-resolved'));
		expect(email).toMatchObject({
			messageId: '<DB9PR07MB8123.eurprd07.prod.outlook.com>',
			from: { address: 'sarah.miller@acme-trading.co.uk', name: 'Sarah Miller' },
			to: [{ address: 'sales@firma.si' }],
			cc: [],
			subject: 'RE: Invoice no. INV-2024-0457 overdue?',
			date: '2024-11-12T14:03:00.000Z',
			source: 'imap',
		});
		// mailparser's html:false means "no HTML part".
		expect(email.html).toBeUndefined();
		expect(email.text).toContain('On Mon, 11 Nov 2024 at 10:15, Prodaja Firma <sales@firma.si> wrote:');
	});

	it('Gmail simple: capitalised headers, snippet as text, provider id as messageId', () => {
		const email = normalizeEmail(fixture('gmail-simple'));
		expect(email).toEqual({
			messageId: '18f4c2a9b7d3e001',
			from: { address: 'marko.horvat@gmail.com', name: 'Marko Horvat' },
			to: [{ address: 'info@firma.si' }],
			cc: [],
			subject: 'Status naročila PR_SO-15',
			text: 'Pozdravljeni, zanima me status naročila PR_SO-15. Ali je že odpremljeno? Hvala & lep pozdrav, Marko',
			date: '2024-05-06T07:32:45.000Z',
			source: 'gmail',
		});
	});

	it('Gmail simple with a full payload reads the text/plain part', () => {
		const item = fixture('gmail-simple');
		item.payload = {
			mimeType: 'multipart/alternative',
			headers: [{ name: 'Message-ID', value: '<abc@mail.gmail.com>' }],
			parts: [
				{ mimeType: 'text/plain', body: { data: Buffer.from('Celotno besedilo: naročilo PR_SO-16', 'utf8').toString('base64url') } },
				{ mimeType: 'text/html', body: { data: Buffer.from('<p>x</p>', 'utf8').toString('base64url') } },
			],
		};
		const email = normalizeEmail(item, 'gmail');
		expect(email.text).toBe('Celotno besedilo: naročilo PR_SO-16');
		expect(email.html).toBe('<p>x</p>');
		expect(email.messageId).toBe('<abc@mail.gmail.com>');
	});

	it('Gmail full (simple=false): mailparser fields plus Gmail ids, reply-to kept', () => {
		const email = normalizeEmail(fixture('gmail-full'));
		expect(email).toMatchObject({
			messageId: '<CAH3kq9f0x@mail.gmail.com>',
			from: { address: 'luca.bianchi@bianchi-srl.it', name: 'Luca Bianchi' },
			replyTo: [{ address: 'ordini@bianchi-srl.it', name: 'Ufficio Ordini' }],
			to: [{ address: 'orders@firma.si' }],
			subject: 'Quotation request',
			date: '2024-06-03T08:15:22.000Z',
			source: 'gmail',
		});
		expect(email.text).toContain('   - SKU 10455 – 200 pcs');
	});

	it('Gmail raw: base64url RFC 822 with encoded words, quoted-printable and base64 parts', () => {
		const email = normalizeEmail(fixture('gmail-raw'));
		expect(email).toMatchObject({
			messageId: '<a1b2c3d4.5e6f@zupancic-trgovina.si>',
			from: { address: 'mojca@zupancic-trgovina.si', name: 'Mojca Zupančič' },
			to: [{ address: 'prodaja@firma.si', name: 'Prodaja' }],
			cc: [{ address: 'peter.kovac@zupancic-trgovina.si', name: 'Kovac, Peter' }],
			subject: 'Re: Račun št. 2024-00457',
			date: '2025-01-14T07:30:00.000Z',
			source: 'gmail_raw',
		});
		// The soft line break inside "šifra= ART-0042" is joined again.
		expect(email.text).toContain('manjka postavka šifra ART-0042, ki smo jo naročili.');
		expect(email.text).toContain('> v prilogi vam pošiljamo račun 2024-00457 in dobavnico DOB-2025-3.');
		expect(email.html).toBe('<html><body><p>Pozdravljeni,</p><p>račun št. 2024-00457 smo prejeli ...</p></body></html>');
	});

	it('Microsoft Outlook trigger: Graph message with an HTML body', () => {
		const email = normalizeEmail(fixture('outlook'));
		expect(email).toMatchObject({
			messageId: '<VI1PR02MB5678ABCD@VI1PR02MB5678.eurprd02.prod.outlook.com>',
			from: { address: 'tomaz@kranjc.si', name: 'Tomaž Kranjc' },
			to: [{ address: 'prodaja@firma.si', name: 'Prodaja Firma' }],
			cc: [],
			subject: 'RE: Ponudba P-24-0042',
			date: '2025-03-04T07:45:10.000Z',
			source: 'outlook',
		});
		expect(email.text).toContain('- šifra art455 – 100 kos\n- šifra art456 – 20 kos');
		expect(email.text).toContain('Od: Prodaja Firma <prodaja@firma.si>\nPoslano: ponedeljek, 3. marec 2025 10:12');
		expect(email.text).not.toMatch(/margin|<div|&nbsp;/);
	});

	it('Outlook without a body falls back to bodyPreview', () => {
		const item = fixture('outlook');
		delete item.body;
		expect(normalizeEmail(item).text).toBe('Pozdravljeni, prosim za predračun za naslednje artikle: šifra art455 – 100 kos');
	});

	it('raw RFC 822 text (not base64) in IMAP mode, windows-1250 body', () => {
		const raw = rfc822([
			'From: Peter <peter@stranka.si>',
			'Subject: =?windows-1250?Q?Naro=E8ilo?=',
			'Content-Type: text/plain; charset=windows-1250',
			'Content-Transfer-Encoding: quoted-printable',
			'',
			'Pozdrav, naro=E8ilo =9At. 55',
		]);
		const email = normalizeEmail({ raw }, 'imap');
		expect(email.source).toBe('imap');
		expect(email.subject).toBe('Naročilo');
		expect(email.text).toBe('Pozdrav, naročilo št. 55');
	});

	it('without any id the messageId is a stable hash of from, subject, date and text', () => {
		const item = { from: 'a@stranka.si', subject: 'Vprašanje', date: '2024-05-01T10:00:00Z', text: 'Pozdravljeni' };
		const first = normalizeEmail(item).messageId;
		expect(first).toMatch(/^sha256:[0-9a-f]{64}$/);
		expect(normalizeEmail({ ...item }).messageId).toBe(first);
		expect(normalizeEmail({ ...item, text: 'Pozdravljeni!' }).messageId).not.toBe(first);
	});

	it('a missing sender is an EmailInputError naming "from"', () => {
		const imap = fixture('imap-simple');
		delete imap.from;
		const error = inputError(() => normalizeEmail(imap));
		expect(error.field).toBe('from');
		expect(error.message).toMatch(/"from"/);

		const outlook = fixture('outlook');
		delete outlook.from;
		delete outlook.sender;
		expect(inputError(() => normalizeEmail(outlook)).message).toMatch(/from\.emailAddress\.address/);

		expect(inputError(() => normalizeEmail({ id: 'x', raw: Buffer.from('Subject: hi\r\n\r\nbody').toString('base64url') })).message).toMatch(/From:/);
		expect(inputError(() => normalizeEmail({ from: 'not an address', subject: 'x' })).field).toBe('from');
		expect(inputError(() => normalizeEmail(null as unknown as Record<string, unknown>)).field).toBe('item');
	});
});

describe('normalizeCustomEmail', () => {
	it('normalises hand-typed fields', () => {
		expect(normalizeCustomEmail({ from: 'Ana <ANA@Stranka.si>', to: 'prodaja@firma.si', subject: ' Ponudba ', html: '<p>Pozdrav&nbsp;<b>vsem</b></p>', messageId: 'm-1' })).toEqual({
			messageId: 'm-1',
			from: { address: 'ana@stranka.si', name: 'Ana' },
			to: [{ address: 'prodaja@firma.si' }],
			cc: [],
			subject: 'Ponudba',
			text: 'Pozdrav vsem',
			html: '<p>Pozdrav&nbsp;<b>vsem</b></p>',
			source: 'custom',
		});
	});

	it('requires from', () => {
		expect(inputError(() => normalizeCustomEmail({ from: ' ' })).field).toBe('from');
	});
});

describe('parseAddressList', () => {
	it('handles quoted names, encoded words, groups and junk', () => {
		expect(
			parseAddressList('"Novak, Janez" <Janez@Podjetje.si>, =?UTF-8?B?xaBwZWxh?= <spela@x.si>; Team: a@b.si, c@d.si;, nobody, <broken@>'),
		).toEqual([
			{ address: 'janez@podjetje.si', name: 'Novak, Janez' },
			{ address: 'spela@x.si', name: 'Špela' },
			{ address: 'a@b.si' },
			{ address: 'c@d.si' },
		]);
		expect(parseAddressList('info@firma.si (Prodaja)')).toEqual([{ address: 'info@firma.si', name: 'Prodaja' }]);
	});
});

describe('htmlToText', () => {
	it('drops scripts, styles and comments, keeps structure and decodes entities', () => {
		const html =
			'<html><head><title>t</title><style>p{color:red}</style></head><body><script>alert(1)</script>' +
			'<p>Cena: 1.234,56&nbsp;&euro; &amp; &#353;ifra &#x17E;</p><!-- skrito --><div>Vrstica<br>dve</div>' +
			'<table><tr><td>art1</td><td>2 kos</td></tr></table></body></html>';
		expect(htmlToText(html)).toBe('Cena: 1.234,56 € & šifra ž\n\nVrstica\ndve\nart1 2 kos');
		expect(htmlToText('<div>a</div><div><br></div><div>b</div><div>c</div>')).toBe('a\n\nb\nc');
	});

	it('turns blockquotes into "> " lines so quoted history stays recognisable', () => {
		expect(htmlToText('<p>Odgovor</p><blockquote><p>Prvotno</p><blockquote>starejše</blockquote></blockquote><p>Konec</p>')).toBe(
			'Odgovor\n\n> Prvotno\n\n> > starejše\n\nKonec',
		);
	});

	it('survives malformed input', () => {
		expect(htmlToText('a < b and <unclosed')).toBe('a < b and');
		expect(htmlToText('<!-- never closed <p>x</p>')).toBe('');
		expect(htmlToText('')).toBe('');
	});
});
