import { MetakockaError } from '../../../src/client';
import { buildBody, interpretJson, isRetryableFor, type RawResponse } from '../../../src/client/transport';
import { SECRET } from './helpers';

const res = (status: number, body: string, contentType = 'application/json'): RawResponse => ({
	status,
	contentType,
	data: Buffer.from(body),
	url: 'https://mk.example.test/rest/eshop/v1/x',
});

function classify(r: RawResponse, kind: 'read' | 'search' | 'write' = 'read'): MetakockaError {
	try {
		interpretJson(r, 'put_document', kind, SECRET);
	} catch (error) {
		return error as MetakockaError;
	}
	throw new Error('expected an error');
}

describe('interpretJson', () => {
	it('5xx: transient, outcome unknown; retryable for reads, not for writes', () => {
		expect(classify(res(503, 'x'), 'read')).toMatchObject({ code: 'HTTP_503', delivery: 'unknown', retryable: true });
		expect(classify(res(503, 'x'), 'write')).toMatchObject({ code: 'HTTP_503', delivery: 'unknown', retryable: false });
	});

	it('429: not processed, so even a write may be resent', () => {
		expect(classify(res(429, '{}'), 'write')).toMatchObject({ code: 'HTTP_429', delivery: 'not_applied', retryable: true });
	});

	it('opr_code errors: answered, never retryable, with the envelope', () => {
		const e = classify(res(200, JSON.stringify({ opr_code: '2', opr_desc: 'Product with code art400 not found', product_not_found_list: ['art400'] })));
		expect(e).toMatchObject({ code: '2', delivery: 'answered', retryable: false, response: { product_not_found_list: ['art400'] } });
		expect(e.httpStatus).toBeUndefined();
	});

	it('numeric opr_code and a 4xx JSON error are classified too', () => {
		expect(classify(res(200, '{"opr_code":6,"opr_desc":"x"}')).code).toBe('6');
		expect(classify(res(400, '{"message":"bad"}'))).toMatchObject({ code: 'HTTP_400', retryable: false });
	});

	it('gateway HTML with status 200 is treated as transient, other HTML as HTML_404', () => {
		expect(classify(res(200, '<html><title>504 Gateway Time-out</title></html>', 'text/html'), 'search')).toMatchObject({
			code: 'HTTP_200',
			retryable: true,
		});
		expect(classify(res(200, '<html><title>Login</title></html>', 'text/html'))).toMatchObject({ code: 'HTML_404', retryable: false });
	});

	it('a bare JSON array is wrapped; success envelopes come back untouched', () => {
		expect(interpretJson(res(200, '[{"mk_id":"1"}]'), 'get_email_events', 'read', SECRET)).toEqual({ result: [{ mk_id: '1' }] });
		expect(interpretJson(res(200, '{"opr_code":"0","amount":"10,5"}'), 'x', 'read', SECRET)).toEqual({ opr_code: '0', amount: '10,5' });
	});

	it('empty body is INVALID_RESPONSE with unknown outcome', () => {
		expect(classify(res(200, ''), 'write')).toMatchObject({ code: 'INVALID_RESPONSE', delivery: 'unknown', retryable: false });
	});
});

describe('buildBody / isRetryableFor', () => {
	it('puts the credentials first and as strings', () => {
		const body = buildBody({ baseUrl: 'https://x.si', companyId: '16', secretKey: SECRET, timeoutMs: 1 }, { limit: 100, company_id: '999' });
		expect(body).toEqual({ secret_key: SECRET, company_id: '16', limit: '100' });
		expect(Object.keys(body).slice(0, 2)).toEqual(['secret_key', 'company_id']);
	});

	it('writes are retryable only when provably not applied', () => {
		expect(isRetryableFor('write', true, 'unknown')).toBe(false);
		expect(isRetryableFor('write', true, 'not_applied')).toBe(true);
		expect(isRetryableFor('search', true, 'unknown')).toBe(true);
		expect(isRetryableFor('read', false, 'answered')).toBe(false);
	});

	it('error stacks are labelled MetakockaError', () => {
		const e = new MetakockaError({ code: '1', description: 'd', method: 'm', retryable: false });
		expect(e.name).toBe('MetakockaError');
		expect(String(e.stack)).toMatch(/^MetakockaError: Metakocka rejected m \(opr_code 1\): d/);
	});
});
