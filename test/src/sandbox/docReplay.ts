// Replays the request/response examples of the official Metakocka docs (fixtures extracted by
// scripts/extract-doc-examples.js, one file per doc page) against a Metakocka: the sandbox, or a real
// test company (npm run test:live). Only the methods the package calls (src/client) are replayed.
// Whatever a documented request names (products by code, documents by mk_id, partners, invoices of
// credit notes) is created first, tagged, and the request is rewritten to point at it.
import * as fs from 'node:fs';
import * as path from 'node:path';

export type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface Target {
	baseUrl: string;
	companyId: string;
	secretKey: string;
}

export interface Pair {
	source: string;
	file: string;
	/** Position in the file (headings repeat). */
	index: number;
	heading: string;
	method: string;
	request: Json;
	response?: Json;
}

export interface Replay {
	pair: Pair;
	sent: Json;
	status: number;
	contentType: string;
	answer: Json | undefined;
	/** Keys, nesting and value types that differ from what the docs show. */
	problems: string[];
	/** Documented keys this answer lacks (optional in the docs' sense: shown on a richer example). */
	missing: string[];
}

const FIXTURES = path.join(__dirname, 'fixtures', 'docs');

/** Fixture file → method; every method here is one the package calls (grep src/client). */
const METHOD_OF: Array<[RegExp, string]> = [
	[/^get_partner/, 'get_partner'],
	[/^add_partner/, 'add_partner'],
	[/^update_partner/, 'update_partner'],
	[/^product_(list|add|update|delete)/, 'product_$1'],
	[/^warehouse_(list|stock)/, 'warehouse_$1'],
	[/^documents_put_document/, 'put_document'],
	[/^documents_get_document/, 'get_document'],
	[/^documents_update_document/, 'update_document'],
	[/^documents_delete_document/, 'delete_document'],
	[/^change_document_status/, 'change_document_status'],
	[/^search_/, 'search'],
	[/^report_/, 'report'],
];

const JSON_FAMILY = new Set(['product_list', 'product_add', 'product_update', 'product_delete', 'warehouse_list', 'warehouse_stock']);
export const pathOf = (method: string): string => (JSON_FAMILY.has(method) ? '/rest/eshop/v1/json/' : '/rest/eshop/v1/') + method;

export function loadPairs(): Pair[] {
	const out: Pair[] = [];
	for (const file of fs.readdirSync(FIXTURES).filter((f) => f.endsWith('.json')).sort()) {
		const hit = METHOD_OF.find(([re]) => re.test(file));
		if (!hit) continue;
		const method = hit[1].replace('$1', hit[0].exec(file)?.[1] ?? '');
		const data = JSON.parse(fs.readFileSync(path.join(FIXTURES, file), 'utf8')) as { source: string; pairs: Array<Omit<Pair, 'source' | 'file' | 'method'>> };
		for (const [index, p] of data.pairs.entries()) {
			// Fragments ("Warning: this is only part of required call structure") carry no credentials.
			if (!('secret_key' in p.request)) continue;
			// documents_put_document.md shows a search request ("return info about credit notes") among its examples.
			const m = method === 'put_document' && 'result_type' in p.request ? 'search' : method;
			// Complaints are searched by no part of the package.
			if (p.request.doc_type === 'complaint') continue;
			out.push({ ...p, source: data.source, file, index, method: m });
		}
	}
	return out;
}

// ------------------------------------------------------------------------------- shape checks

const kind = (v: unknown): string => (Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v);

/** Every scalar of a Metakocka answer is a string [DOC][OBS]. */
export function nonStringScalars(v: unknown, at = '$'): string[] {
	if (Array.isArray(v)) return v.flatMap((x, i) => nonStringScalars(x, `${at}[${i}]`));
	if (v && typeof v === 'object') return Object.entries(v).flatMap(([k, x]) => nonStringScalars(x, `${at}.${k}`));
	return typeof v === 'string' ? [] : [`${at} is ${JSON.stringify(v)} (not a string)`];
}

/**
 * Compares an answer with the documented one: a key both have must have the same nesting (object,
 * array, string); documented keys the answer lacks are returned as `missing`. Arrays compare their
 * first elements; a documented single object where the answer has a list (or back) is a problem.
 */
export function compareShape(documented: unknown, got: unknown, at = '$', out = { problems: [] as string[], missing: [] as string[] }) {
	const dk = kind(documented);
	const gk = kind(got);
	if (dk === 'array' && gk === 'object') {
		// A one-element list may come back as a single object (product_list, localization, …) [DOC].
		const [d0] = documented as unknown[];
		if (d0 !== undefined) compareShape(d0, got, at, out);
		return out;
	}
	if (dk !== gk) {
		// The docs print numbers as strings everywhere; a documented number is the docs' own slip.
		if (!(dk === 'number' && gk === 'string') && !(dk === 'boolean' && gk === 'string')) out.problems.push(`${at}: documented ${dk}, answered ${gk}`);
		return out;
	}
	if (dk === 'array') {
		const [d0] = documented as unknown[];
		const [g0] = got as unknown[];
		if (d0 !== undefined && g0 !== undefined) compareShape(d0, g0, `${at}[0]`, out);
		return out;
	}
	if (dk === 'object') {
		for (const [k, v] of Object.entries(documented as Json)) {
			if (!(k in (got as Json))) out.missing.push(`${at}.${k}`);
			else compareShape(v, (got as Json)[k], `${at}.${k}`, out);
		}
	}
	return out;
}

// ------------------------------------------------------------------------------- transport

export async function post(target: Target, method: string, body: Json): Promise<{ status: number; contentType: string; json?: Json; bytes: number }> {
	const res = await fetch(target.baseUrl.replace(/\/+$/, '') + pathOf(method), {
		method: 'POST',
		headers: { 'Content-Type': 'application/json' },
		body: JSON.stringify({ ...body, secret_key: target.secretKey, company_id: target.companyId }),
	});
	const buf = Buffer.from(await res.arrayBuffer());
	const contentType = res.headers.get('content-type') ?? '';
	let json: Json | undefined;
	if (contentType.includes('json') || buf.subarray(0, 1).toString() === '{') {
		try {
			json = JSON.parse(buf.toString('utf8')) as Json;
		} catch {
			json = undefined;
		}
	}
	return { status: res.status, contentType, json, bytes: buf.length };
}

// ------------------------------------------------------------------------------- world

/**
 * Creates what the documented requests refer to, tagged with `tag` (count codes, product codes and
 * titles start with it), and remembers what it made so `cleanup` can delete what Metakocka lets it.
 */
export class World {
	readonly created: Array<{ method: string; body: Json }> = [];
	private readonly products = new Map<string, string>();
	private readonly docIds = new Map<string, string>();
	private partner?: { mk_id: string; count_code?: string };
	private n = 0;

	constructor(
		readonly target: Target,
		/** Short (product code is char 20): e.g. "T7Q". */
		readonly tag: string,
	) {}

	private async call(method: string, body: Json): Promise<Json> {
		const r = await post(this.target, method, body);
		if (!r.json || (r.json.opr_code !== undefined && r.json.opr_code !== '0')) {
			throw new Error(`setup ${method} failed: ${JSON.stringify(r.json ?? { status: r.status, contentType: r.contentType })}`);
		}
		return r.json;
	}

	/** A new tagged code (≤ 20 characters: product code is char 20). */
	fresh(): string {
		return `${this.tag}${++this.n}N`.slice(0, 20);
	}

	/** A product code of the docs → a tagged product code (≤ 20 characters) that exists. */
	async product(code: string, service = false): Promise<string> {
		const key = `${code}|${service}`;
		const known = this.products.get(key);
		if (known) return known;
		const mine = `${this.tag}${++this.n}${service ? 'S' : ''}`.slice(0, 20);
		const body = { count_code: mine, code: mine, name: `${this.tag} ${code}`, unit: 'kos', sales: 'true', purchasing: 'true', service: String(service) };
		await this.call('product_add', body);
		this.created.push({ method: 'product_delete', body: { count_code: mine } });
		this.products.set(key, mine);
		return mine;
	}

	async partnerRef(): Promise<{ mk_id: string; count_code?: string }> {
		if (this.partner) return this.partner;
		const r = await this.call('add_partner', {
			partner: { business_entity: 'true', taxpayer: 'false', foreign_county: 'false', customer: `${this.tag} partner`, street: 'Slovenska cesta 100', post_number: '1000', place: 'Ljubljana', country: 'Slovenia' },
		});
		this.partner = { mk_id: String(r.mk_id) };
		return this.partner;
	}

	partnerBlock(): Json {
		return { business_entity: 'true', taxpayer: 'true', foreign_county: 'false', customer: `${this.tag} partner`, street: 'Slovenska cesta 100', post_number: '1000', place: 'Ljubljana', country: 'Slovenia' };
	}

	/** A document of `docType` (tagged count_code), created once per documented id. */
	async document(docType: string, documentedId: string, extra: Json = {}): Promise<{ mk_id: string; count_code: string }> {
		const key = `${docType}|${documentedId}`;
		const known = this.docIds.get(key);
		if (known) return JSON.parse(known) as { mk_id: string; count_code: string };
		const bill = /bill/.test(docType);
		const body: Json = {
			doc_type: docType,
			count_code: `${this.tag}-${++this.n}`,
			doc_date: '2024-11-23+02:00',
			partner: this.partnerBlock(),
			product_list: [{ code: await this.product('art1'), amount: '1', price: '100', tax: 'EX4' }],
			...(bill ? { service_to_date: '2024-11-22+02:00', duo_payment: '2024-11-24+02:00' } : {}),
			...(docType.startsWith('purchase_bill') ? { receive_date: '2024-11-25+02:00' } : {}),
			title: `${this.tag} replay`,
			...extra,
		};
		const r = await this.call('put_document', body);
		const made = { mk_id: String(r.mk_id), count_code: String(r.count_code ?? body.count_code) };
		if (docType === 'sales_order' || docType.startsWith('warehouse_')) this.created.push({ method: 'delete_document', body: { doc_type: docType, mk_id: made.mk_id } });
		else this.created.push({ method: 'leftover', body: { doc_type: docType, ...made } });
		this.docIds.set(key, JSON.stringify(made));
		return made;
	}

	/** Remembers what a replayed write created, for cleanup. */
	record(method: string, sent: Json, answer: Json | undefined): void {
		if (answer?.opr_code !== undefined && answer.opr_code !== '0') return;
		if (method === 'put_document' && !sent.mk_id && answer?.mk_id) {
			const dt = String(sent.doc_type);
			const made = { doc_type: dt, mk_id: String(answer.mk_id), count_code: answer.count_code };
			this.created.push(dt === 'sales_order' || dt.startsWith('warehouse_') ? { method: 'delete_document', body: { doc_type: dt, mk_id: made.mk_id } } : { method: 'leftover', body: made });
			for (const a of Array.isArray(answer.attachment_list) ? (answer.attachment_list as Json[]) : []) {
				if (a.bill_mk_id) this.created.push({ method: 'leftover', body: { doc_type: 'sales_bill_domestic', mk_id: String(a.bill_mk_id), note: 'create_invoice' } });
			}
		}
		if (method === 'add_partner' && answer?.mk_id) this.created.push({ method: 'leftover', body: { partner: String(answer.mk_id), note: 'Metakocka has no delete_partner' } });
		if (method === 'update_document' && sent.create_invoice) this.created.push({ method: 'leftover', body: { note: `invoice created from sales order ${String(sent.mk_id)} (create_invoice)` } });
	}

	/** Deletes what Metakocka lets the API delete (sales orders, warehouse documents, products); returns what stays. */
	async cleanup(): Promise<Json[]> {
		const left: Json[] = [];
		for (const c of [...this.created].reverse()) {
			if (c.method === 'leftover') {
				left.push(c.body);
				continue;
			}
			const r = await post(this.target, c.method, c.body);
			if (r.json?.opr_code !== '0') left.push({ ...c.body, error: r.json?.opr_desc ?? r.status });
		}
		if (this.partner) left.push({ partner: this.partner.mk_id, note: 'Metakocka has no delete_partner' });
		return left;
	}
}

// ------------------------------------------------------------------------------- rewriting

async function rewriteLines(world: World, lines: unknown, service: boolean): Promise<unknown> {
	if (!lines) return lines;
	const list = Array.isArray(lines) ? lines : [lines];
	const out = [];
	for (const l of list as Json[]) {
		const line = { ...l };
		const code = line.code ?? line.count_code ?? line.mk_id;
		delete line.mk_id;
		delete line.count_code;
		delete line.mk_row_id;
		if (code !== undefined) line.code = await world.product(String(code), service || line.service === 'true');
		if (line.tax === undefined && line.tax_factor === undefined) line.tax = 'EX4';
		out.push(line);
	}
	return Array.isArray(lines) ? out : out[0];
}

/** The documented request, pointed at what `world` created; the auth comes from the target. */
/** Typos in the docs' examples, corrected before replay (each is reported as a docs error). */
const DOC_SLIPS: Array<[string, string]> = [
	// documents_put_document.md, the three credit note examples: day "205".
	['2021-11-205+02:00', '2021-11-05+02:00'],
];

export async function prepare(world: World, pair: Pair): Promise<Json> {
	let text = JSON.stringify(pair.request);
	for (const [wrong, right] of DOC_SLIPS) text = text.split(wrong).join(right);
	const req: Json = JSON.parse(text) as Json;
	delete req.secret_key;
	delete req.company_id;
	const key = `${pair.file}#${pair.index}`;
	const dt = String(req.doc_type ?? '');
	const tagCount = (cc: unknown) => (cc === undefined || String(cc).startsWith('COUNT_CODE_SELECT') ? cc : `${world.tag}-${String(cc)}`.slice(0, 30));
	switch (pair.method) {
		case 'put_document': {
			if (req.count_code !== undefined) req.count_code = tagCount(req.count_code);
			if (req.title !== undefined || !req.mk_id) req.title = `${world.tag} ${String(req.title ?? 'replay')}`;
			const financial = req.credit_note_type === 'financial';
			req.product_list = await rewriteLines(world, req.product_list, financial);
			if (req.credit_note_bill) {
				// The invoice the note corrects, with the note's lines (goods notes need the same products).
				const bill = await world.document(dt.replace('credit_note', 'domestic'), `${key}#bill`, { product_list: req.product_list });
				req.credit_note_bill = bill.count_code;
			}
			if (req.partner?.mk_id) req.partner = { ...req.partner, ...(await world.partnerRef()), count_code: undefined };
			if (req.mk_id) req.mk_id = (await world.document(dt, String(req.mk_id))).mk_id;
			for (const k of ['offer_list', 'order_list']) delete req[k];
			delete req.attachment_list;
			break;
		}
		case 'get_document':
		case 'update_document':
		case 'delete_document':
		case 'change_document_status': {
			// One document per example: an earlier example (delete) must not take another's document away.
			const made = await world.document(dt, key, req.buyer_order ? { buyer_order: `${world.tag}-${String(req.buyer_order)}` } : {});
			if (req.mk_id !== undefined) req.mk_id = made.mk_id;
			if (req.doc_id !== undefined) req.doc_id = made.mk_id;
			if (Array.isArray(req.mk_id_list)) req.mk_id_list = [made.mk_id];
			// "mk_id OR buyer_order / count_code": the docs list both; one identifier is sent.
			if (req.mk_id !== undefined || req.doc_id !== undefined || req.mk_id_list) {
				delete req.buyer_order;
				delete req.count_code;
			}
			if (req.buyer_order !== undefined) req.buyer_order = `${world.tag}-${String(req.buyer_order)}`;
			if (req.count_code !== undefined) req.count_code = made.count_code;
			if (req.product_add) req.product_add = await rewriteLines(world, req.product_add, false);
			if (req.product_list) req.product_list = await rewriteLines(world, req.product_list, false);
			if (req.partner) req.partner = world.partnerBlock();
			if (req.receiver) req.receiver = { ...world.partnerBlock(), customer: `${world.tag} receiver` };
			if (req.warehouse) delete req.warehouse;
			if (req.count_code_new) req.count_code_new = `${world.tag}-${String(req.count_code_new)}`.slice(0, 30);
			if (pair.method === 'change_document_status' && req.status_code === 'created' && dt !== 'sales_order') req.status_code = 'active';
			break;
		}
		case 'product_add':
		case 'product_update':
		case 'product_delete': {
			const mine = await world.product(String(req.count_code ?? req.code ?? 'p'));
			req.count_code = mine;
			if (pair.method === 'product_add') {
				// A new product with the documented body, under a fresh tagged code.
				req.count_code = world.fresh();
				req.code = req.count_code;
				req.name ??= `${world.tag} added`;
				req.unit ??= 'kos';
				world.created.push({ method: 'product_delete', body: { count_code: req.count_code } });
			}
			delete req.compound;
			delete req.compounds;
			delete req.norm;
			delete req.attachment_list;
			delete req.supplier_info;
			if (pair.method === 'product_delete') world.created.splice(world.created.findIndex((c) => c.body.count_code === mine), 1);
			break;
		}
		case 'product_list': {
			if (req.count_code !== undefined) req.count_code = await world.product(String(req.count_code));
			break;
		}
		case 'update_partner': {
			const p = await world.partnerRef();
			req.partner = { ...req.partner, mk_id: p.mk_id, count_code: undefined, customer: `${world.tag} partner` };
			delete req.partner.partner_contact_list;
			delete req.partner.partner_delivery_address_list;
			break;
		}
		case 'add_partner': {
			req.partner = { ...req.partner, customer: `${world.tag} ${String(req.partner?.customer ?? 'partner')}` };
			break;
		}
		case 'get_partner': {
			await world.partnerRef();
			if (req.partner_name !== undefined) req.partner_name = world.tag;
			break;
		}
		case 'search': {
			if (req.query !== undefined) req.query = world.tag;
			// "product_id_list OR product_code_list": the docs' alternatives, one is sent.
			if (Array.isArray(req.query_advance) && req.query_advance.some((q: Json) => q.type === 'product_code_list')) {
				req.query_advance = req.query_advance.filter((q: Json) => q.type !== 'product_id_list');
			}
			if (dt.includes('bill') && req.return_credit_note_for_invoice) await world.document(dt, key);
			break;
		}
		case 'report': {
			req.mk_id = (await world.document('sales_bill_domestic', String(req.mk_id))).mk_id;
			req.params = [{ type: 'REPORT_TYPE', value: 'PDF' }];
			break;
		}
		default:
			break;
	}
	return JSON.parse(JSON.stringify(req)) as Json;
}

/** Replays one documented example and checks the answer against the documented one. */
export async function replay(world: World, pair: Pair): Promise<Replay> {
	const sent = await prepare(world, pair);
	const r = await post(world.target, pair.method, sent);
	world.record(pair.method, sent, r.json);
	const problems: string[] = [];
	let missing: string[] = [];
	if (pair.method === 'report') {
		if (!r.contentType.includes('pdf')) problems.push(`report: answered ${r.contentType || 'no content type'}, not a PDF`);
	} else if (!r.json) {
		problems.push(`answered HTTP ${r.status} ${r.contentType}, not JSON`);
	} else {
		if (r.json.opr_code !== undefined && r.json.opr_code !== '0') problems.push(`opr_code ${String(r.json.opr_code)}: ${String(r.json.opr_desc ?? '')}`);
		problems.push(...nonStringScalars(r.json));
		if (pair.response) {
			const shape = compareShape(pair.response, r.json);
			problems.push(...shape.problems);
			missing = shape.missing;
		}
	}
	return { pair, sent, status: r.status, contentType: r.contentType, answer: r.json, problems, missing };
}

/** Differences between two answers to the same request (sandbox vs real): keys, nesting, types. */
export function diffAnswers(a: unknown, b: unknown): string[] {
	const one = compareShape(a, b);
	const other = compareShape(b, a);
	return [
		...one.problems,
		...one.missing.map((k) => `${k}: only in the first answer`),
		...other.missing.map((k) => `${k}: only in the second answer`),
	];
}
