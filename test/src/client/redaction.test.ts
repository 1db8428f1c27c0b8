import { MetakockaClient, MetakockaError } from '../../../src/client';
import { interpretJson, safeExcerpt, secretForms, type RawResponse } from '../../../src/client/transport';
import { BASE, capturingLogger, failure, mk } from './helpers';

// A key with every character class that changes under JSON, PHP-JSON, URL and HTML escaping.
const KEY = 'sk/"LEAK\\ä+ &<7f3a9c21>-dont-print';

/** Every 6-character window of every spelling of the key: what a fragment leak would contain. */
function fragments(secret: string): string[] {
	const out = new Set<string>();
	for (const form of secretForms(secret)) {
		for (let i = 0; i + 6 <= form.length; i++) out.add(form.slice(i, i + 6));
	}
	// Windows made only of common characters would match innocent text.
	return [...out].filter((f) => /[A-Za-z0-9]{3}/.test(f));
}

function leaks(text: string, secret = KEY): string[] {
	return fragments(secret).filter((f) => text.includes(f));
}

const res = (status: number, body: string, contentType = 'text/plain'): RawResponse => ({
	status,
	contentType,
	data: Buffer.from(body),
	url: `${BASE}/rest/eshop/v1/put_document`,
});

function classify(r: RawResponse, secret = KEY): MetakockaError {
	try {
		interpretJson(r, 'put_document', 'write', secret);
	} catch (error) {
		return error as MetakockaError;
	}
	throw new Error('expected an error');
}

describe('secret key redaction before truncation', () => {
	it('lists the escaped spellings of the key', () => {
		const forms = secretForms(KEY);
		expect(forms).toEqual(expect.arrayContaining([KEY, JSON.stringify(KEY).slice(1, -1), encodeURIComponent(KEY)]));
		expect(forms.some((f) => f.includes('\\u00e4') && f.includes('\\/'))).toBe(true);
		expect(forms.some((f) => f.includes('&amp;') && f.includes('&lt;'))).toBe(true);
		expect(secretForms('')).toEqual([]);
	});

	// Each echo spelling, cut at every offset inside the key by each excerpt length the transport uses.
	const echoes: Array<[string, (k: string) => string]> = [
		['plain', (k) => `request was secret ${k} end`],
		['JSON body', (k) => `{"secret_key":${JSON.stringify(k)},"company_id":"16"}`],
		['JSON under another name', (k) => `{"sk":${JSON.stringify(k)}}`],
		['URL-encoded form', (k) => `company_id=16&secret_key=${encodeURIComponent(k)}&x=1`],
		['URL-encoded under another name', (k) => `token=${encodeURIComponent(k).replace(/%20/g, '+')}&x=1`],
		['PHP json_encode', (k) => `{"key":"${JSON.stringify(k).slice(1, -1).replace(/\//g, '\\/').replace(/ä/g, '\\u00e4')}"}`],
	];
	it.each(echoes)('%s echo: no fragment of the key survives any cut (120/160 chars)', (_name, echo) => {
		const spelled = echo(KEY);
		for (const max of [120, 160]) {
			for (let pad = 0; pad < spelled.length + 5; pad++) {
				const text = 'x'.repeat(Math.max(0, max - pad)) + spelled;
				const out = safeExcerpt(text, KEY, max);
				expect(out.length).toBeLessThanOrEqual(max + 10);
				expect(leaks(out)).toEqual([]);
			}
		}
	});

	it('a server that cut its own echo inside secret_key still leaks nothing', () => {
		const echoed = `{"request":{"company_id":"16","secret_key":"${KEY.slice(0, 12).replace(/"/g, '\\"')}`;
		expect(leaks(safeExcerpt(echoed, KEY, 500))).toEqual([]);
		expect(safeExcerpt('a=1&secret_key=sk-abc-partial', 'sk-abc-partial-and-more', 500)).toBe('a=1&secret_key=[REDACTED]');
	});

	it.each([
		['500 text', 500, 'text/plain'],
		['400 text', 400, 'text/plain'],
		['200 not JSON', 200, 'text/plain'],
		['502 HTML', 502, 'text/html'],
		['200 HTML', 200, 'text/html'],
	])('%s echoing the request body, cut inside the key: message and description are clean', (_name, status, type) => {
		const body = (k: string) => `{"company_id":"16","secret_key":${JSON.stringify(k)},"doc_type":"sales_order"}`;
		for (let pad = 60; pad < 170; pad++) {
			const text = type === 'text/html' ? `<html><title>${'E'.repeat(pad)} ${body(KEY)}</title></html>` : `${'E'.repeat(pad)} ${body(KEY)}`;
			const error = classify(res(status, text, type));
			const shown = JSON.stringify(error) + error.message + String(error.stack);
			expect(leaks(shown)).toEqual([]);
		}
	});

	it('through the client: a 500 echoing the sent body reaches neither the error nor the log', async () => {
		const logger = capturingLogger();
		const client = new MetakockaClient(
			{ companyId: '16', secretKey: KEY, baseUrl: BASE },
			{ retryBaseDelayMs: 1, maxRetries: 1, logger, timeoutMs: 2000 },
		);
		mk()
			.persist()
			.post(/.*/)
			.reply(500, (_uri, sent) => `Unhandled exception in handler; request dump: ${'.'.repeat(84)}${JSON.stringify(sent)}`, {
				'Content-Type': 'text/plain',
			});
		const error = await failure(() => client.getPartners({ partner_id: '1' }));
		const shown = JSON.stringify(error) + String(error.message) + logger.text();
		expect(error).toBeInstanceOf(MetakockaError);
		expect(leaks(shown)).toEqual([]);
	});
});
