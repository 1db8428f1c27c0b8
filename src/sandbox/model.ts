// In-memory data of one sandbox company.
import type { NumberStyle, Obj } from './wire';

export interface Address {
	mk_id: string;
	address_type: string;
	street?: string;
	post_number?: string;
	city?: string;
	province?: string;
	country?: string;
	payment_due_days?: string;
	language?: string;
}

export interface Contact {
	mk_id: string;
	mk_address_id: string;
	name?: string;
	email?: string;
	gsm?: string;
	phone?: string;
	fax?: string;
}

export interface Partner {
	mk_id: string;
	count_code: string;
	customer: string;
	business_entity: boolean;
	taxpayer: boolean;
	foreign_county: boolean;
	buyer: boolean;
	supplier: boolean;
	tax_id_number?: string;
	registration_number?: string;
	addresses: Address[];
	contacts: Contact[];
	discounts?: unknown[];
}

/** Product fields are flat and kept as strings, as sent/listed [DOC:product_concept.md]. */
export interface Product {
	mk_id: string;
	count_code: string;
	fields: Obj;
}

export type Warehouse = Record<string, string> & { mk_id: string; mark: string; name: string };

/** Base stock (seed / sync_stock); document movements are added on top when read. */
export interface StockRow {
	warehouse_id: string;
	product_mk_id: string;
	amount: number;
	microlocation?: string;
	serial_number?: string;
	exp_date?: string;
}

export interface Line {
	mk_row_id: string;
	product_mk_id: string;
	/** Line fields as sent (stringified), minus product identification. */
	input: Obj;
	amount: number;
	netUnit: number;
	rate: number;
	/** Key for sum_tax_<key>: ex4, 085, ... */
	taxKey: string;
	discountFactor: number;
}

export interface Payment {
	payment_type: string;
	date: string;
	amount: number;
	payment_mode?: string;
	notes?: string;
}

export interface DocLink {
	mk_id: string;
	count_code: string;
	doc_type: string;
}

export interface Doc {
	mk_id: string;
	doc_type: string;
	count_code: string;
	doc_date: string;
	/** Other head fields as sent (stringified). */
	head: Obj;
	partner?: Obj;
	receiver?: Obj;
	client?: Obj;
	lines: Line[];
	status?: string;
	statusHistory: Array<{ key: string; ms: number }>;
	payments: Payment[];
	links: DocLink[];
	created_ms: number;
	change_ms: number;
	change_seq: number;
	number_style: NumberStyle;
}

export interface ReportJob {
	token: string;
	polls: number;
	file: { data: Buffer; contentType: string };
}

/** mk_ids are digit strings unique across the sandbox (all companies). */
export class IdGen {
	private next: number;
	constructor(start = 1600000001) {
		this.next = start;
	}
	id(): string {
		return String(this.next++);
	}
	/** Keep generated ids above explicit seed ids. */
	seen(id: string): void {
		if (/^\d{1,15}$/.test(id) && Number(id) >= this.next) this.next = Number(id) + 1;
	}
}

/** Where the docs and live observations leave two readings open, which one the sandbox plays. */
export interface SandboxReadings {
	/** get_partner/update_partner answers carry tax_id_number [OBS] (default) or not, as in the docs' examples [DOC]. */
	partnerTaxNumberInReads: boolean;
}

export const DEFAULT_READINGS: SandboxReadings = { partnerTaxNumberInReads: true };

export class Company {
	readings: SandboxReadings = { ...DEFAULT_READINGS };
	partners: Partner[] = [];
	products: Product[] = [];
	warehouses: Warehouse[] = [];
	stock: StockRow[] = [];
	docs: Doc[] = [];
	docNumber: Record<string, number> = {};
	partnerNumber = 1000;
	productNumber = 1000;
	changeSeq = 0;
	/** get_change_documents cursors: doc_type → last change_seq returned [INF]. */
	cursors = new Map<string, number>();
	reports = new Map<string, ReportJob>();
	/** Messages accepted by send_message (nothing is delivered). */
	messages: Obj[] = [];
	/** Incremented by every applied write; the server derives __writes_applied from it. */
	writes = 0;
	apiUserEmails: string[] = [];

	constructor(
		readonly companyId: string,
		readonly secretKey: string,
		readonly ids: IdGen,
	) {}

	touch(doc?: Doc): void {
		this.writes++;
		if (doc) {
			doc.change_ms = Date.now();
			doc.change_seq = ++this.changeSeq;
		}
	}

	docsOf(docType: string): Doc[] {
		return this.docs.filter((d) => d.doc_type === docType);
	}

	findDoc(docType: string, mkId: string | undefined): Doc | undefined {
		return mkId === undefined ? undefined : this.docs.find((d) => d.doc_type === docType && d.mk_id === mkId);
	}

	partner(mkId: string | undefined): Partner | undefined {
		return mkId === undefined ? undefined : this.partners.find((p) => p.mk_id === mkId);
	}

	product(mkId: string | undefined): Product | undefined {
		return mkId === undefined ? undefined : this.products.find((p) => p.mk_id === mkId);
	}

	mainWarehouse(): Warehouse | undefined {
		return this.warehouses.find((w) => w.main_warehouse === 'true') ?? this.warehouses[0];
	}
}
