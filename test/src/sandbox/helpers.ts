// Shared helpers for the sandbox conformance tests: plain fetch against a started sandbox.
import { startSandbox, type Sandbox, type SandboxOptions } from '../../../src/sandbox';

export const SECRET = 'sandbox-secret';
export const COMPANY = '16';
export const AUTH = { secret_key: SECRET, company_id: COMPANY };

export type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface CallResult {
	status: number;
	contentType: string;
	text: string;
	json: Json;
}

export async function post(baseUrl: string, path: string, body: unknown, raw = false): Promise<CallResult> {
	const res = await fetch(baseUrl + path, {
		method: 'POST',
		headers: { 'Content-Type': 'application/json' },
		body: raw ? (body as string) : JSON.stringify(body),
	});
	const text = await res.text();
	let json: Json = {};
	try {
		json = JSON.parse(text) as Json;
	} catch {
		// not JSON (HTML pages, reports)
	}
	return { status: res.status, contentType: res.headers.get('content-type') ?? '', text, json };
}

export const V1 = '/rest/eshop/v1/';
export const JSON_ = '/rest/eshop/v1/json/';
export const ESHOP = '/rest/eshop/';

/** A sandbox plus a `call(method, body)` bound to its right URL family and credentials. */
export function useSandbox(options: SandboxOptions = {}): {
	sb: () => Sandbox;
	v1: (method: string, body?: Json) => Promise<Json>;
	json: (method: string, body?: Json) => Promise<Json>;
} {
	let sandbox: Sandbox | undefined;
	beforeAll(async () => {
		sandbox = await startSandbox(options);
	});
	afterAll(async () => {
		await sandbox?.close();
	});
	const sb = (): Sandbox => {
		if (!sandbox) throw new Error('sandbox not started');
		return sandbox;
	};
	return {
		sb,
		v1: async (method, body = {}) => (await post(sb().baseUrl, V1 + method, { ...AUTH, ...body })).json,
		json: async (method, body = {}) => (await post(sb().baseUrl, JSON_ + method, { ...AUTH, ...body })).json,
	};
}

/** Every scalar in a response must be a string [DOC][OBS]. */
export function nonStringScalars(v: unknown, path = '$'): string[] {
	if (Array.isArray(v)) return v.flatMap((x, i) => nonStringScalars(x, `${path}[${i}]`));
	if (v && typeof v === 'object') return Object.entries(v).flatMap(([k, x]) => nonStringScalars(x, `${path}.${k}`));
	return typeof v === 'string' ? [] : [`${path}=${JSON.stringify(v)}`];
}

/** The minimal sales order of documents_put_document_sales_order.md (art1 must exist). */
export function minimalOrder(extra: Json = {}): Json {
	return {
		doc_type: 'sales_order',
		count_code: 'resttest2',
		doc_date: '2014-09-13+02:00',
		partner: {
			business_entity: 'true',
			taxpayer: 'true',
			foreign_county: 'false',
			tax_id_number: 'SI20000001',
			customer: 'API partner 1',
			street: 'Slovenska cesta 100',
			post_number: '1000',
			place: 'Ljubljana',
			country: 'Slovenia',
		},
		product_list: [{ code: 'art1', amount: '1', price: '100', tax: 'EX4' }],
		...extra,
	};
}

/** The product of the docs' examples, so the documented requests work verbatim. */
export const ART1 = { count_code: 'PA_115_PA', code: 'art1', name: 'art1', unit: 'kos', sales: 'true', purchasing: 'true' };

/** The head dates of the docs' minimum sales bill request (documents_put_document.md). */
export const BILL_DATES = { service_to_date: '2014-11-22+02:00', duo_payment: '2014-11-24+02:00' };
