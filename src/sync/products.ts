import { z } from 'zod';

import type { MetakockaClient, Product, ProductFilter, ProductInput } from '../client';
import { isNotFound, MetakockaError, parseMkNumber, PRODUCT_PAGE_MAX } from '../client';
import type { MappingStore } from '../store';
import { StoreError } from '../store';
import { parseItem } from '../input';
import { productView, syncMarks } from './conflict';
import { compact, crmId, flag, requiredText, text } from './fields';
import { previewPipeline, runPipeline, type DryRunOutcome, type EntityDescription, type PipelineOptions, type SyncDeps, type SyncOutcome } from './pipeline';

export type { SyncStatus } from './pipeline';

// ---------------------------------------------------------------- input

const REMOVE = '$REMOVE_STRING_VALUE$';
export const DEFAULT_UNIT = 'kos';
export const PRODUCT_IMPORT_STATE = 'product_import';

/** Numbers or text; "19,99" and "1.895,01" are read as Metakocka writes them. */
const decimal = z
	.union([z.number(), z.string()], { invalid_type_error: 'Must be a number' })
	.transform((value, ctx) => {
		if (typeof value === 'string' && value.trim() === '') return undefined;
		const n = parseMkNumber(value);
		if (n === undefined) {
			ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'Must be a number, e.g. 19.99 or 19,99' });
			return z.NEVER;
		}
		if (n < 0) {
			ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'Must not be negative' });
			return z.NEVER;
		}
		return n;
	})
	.optional();

const categoryName = z
	.union([z.string(), z.number()])
	.transform((v) => String(v).trim())
	.pipe(z.string().min(1, 'Must not be empty').max(100, 'Must be at most 100 characters'));

/** "A, B" or ["A", ["A", "B"]]: a nested array is one category path (Metakocka's advanced form). */
const categories = z
	.union([z.string(), z.array(z.union([categoryName, z.array(categoryName).min(1)]))], {
		invalid_type_error: 'Must be text (comma-separated) or a list of categories',
	})
	.transform((value) => {
		const list = typeof value === 'string' ? value.split(',').map((c) => c.trim()).filter(Boolean) : value;
		return list.length ? list : undefined;
	})
	.optional();

const scalar = z.union([z.string(), z.number(), z.boolean()]).transform((v) => String(v));

/** {name: value} or [{name, value}] → Metakocka's extra_column rows. */
const extraColumns = z
	.union(
		[
			z.record(scalar),
			z.array(z.object({ name: requiredText(100), value: scalar }).strict()),
		],
		{ invalid_type_error: 'Must be an object of name → value or a list of {name, value}' },
	)
	.transform((value) => {
		const rows = Array.isArray(value) ? value : Object.entries(value).map(([name, v]) => ({ name: name.trim(), value: v }));
		return rows.length ? rows : undefined;
	})
	.optional();

const productShape = {
	/** char 20 in product_concept.md (product_list.md's table says 50: 20 is right under both). */
	code: requiredText(20),
	name: requiredText(200),
	/** A unit register value (kos, kom, kpl, kg, ura…); absent = "kos". */
	unit: text(20),
	count_code: text(30),
	barcode: text(100),
	name_desc: text(700),
	sales: flag.optional(),
	service: flag.optional(),
	purchasing: flag.optional(),
	activated: flag.optional(),
	eshop_sync: flag.optional(),
	weight: decimal,
	height: decimal,
	width: decimal,
	depth: decimal,
	min_stock: decimal,
	/** Count code of the price list the price row goes to (e.g. MPC). */
	pricelist: text(30),
	price: decimal,
	price_with_tax: decimal,
	/** Tax register value (e.g. EX4, 220); or tax_factor (0.22). */
	tax: text(20),
	tax_factor: decimal,
	categories,
	extra_column: extraColumns,
};

const baseObject = z.object(productShape).strict();
type BaseFields = z.output<typeof baseObject>;

function checkPrice(value: Partial<BaseFields>, ctx: z.RefinementCtx): void {
	const priced = value.price !== undefined || value.price_with_tax !== undefined;
	const taxed = value.tax !== undefined || value.tax_factor !== undefined;
	if ((priced || taxed) && !value.pricelist) {
		ctx.addIssue({
			code: z.ZodIssueCode.custom,
			path: ['pricelist'],
			message: "Is required when a price or tax is given (the price list's count code, e.g. MPC)",
		});
	}
	if (value.pricelist && !priced) {
		ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['price'], message: 'Is required when a price list is given (or price_with_tax)' });
	}
}

const withUnitDefault = <T extends { unit?: string }>(v: T) => ({ ...v, unit: v.unit ?? DEFAULT_UNIT });

/** A product to create: code and name required, unit defaults to "kos". */
export const productFieldsSchema = baseObject.superRefine(checkPrice).transform(withUnitDefault);

/** A change to an existing product: every field optional, absent fields keep their value. */
export const productPatchSchema = z
	.object({ ...productShape, code: productShape.code.optional(), name: productShape.name.optional() })
	.strict()
	.superRefine(checkPrice);

/** A product as the CRM (or shop) gives it: its CRM id plus Metakocka's product fields. */
export const crmProductSchema = z
	.object({ crmId, ...productShape })
	.strict()
	.superRefine(checkPrice)
	.transform(withUnitDefault);

export type ProductFields = z.output<typeof productFieldsSchema>;
export type ProductPatch = z.output<typeof productPatchSchema>;

export function parseProduct(raw: unknown, itemIndex: number): ProductFields {
	return compact(parseItem(productFieldsSchema, raw, itemIndex));
}

export function parseProductPatch(raw: unknown, itemIndex: number): ProductPatch {
	return compact(parseItem(productPatchSchema, raw, itemIndex));
}

export function parseCrmProduct(raw: unknown, itemIndex: number): ProductToSync {
	const { crmId: id, ...product } = parseItem(crmProductSchema, raw, itemIndex);
	return { itemIndex, crmId: id, product: compact(product) };
}

/** Validated fields → Metakocka's flat product body (pricelist row, categories, extra_column). */
export function toProductInput(fields: ProductPatch): ProductInput {
	const { pricelist, price, price_with_tax, tax, tax_factor, categories: cats, extra_column, ...head } = fields;
	const body: ProductInput = { ...head };
	if (pricelist) {
		body.pricelist = [{ count_code: pricelist, price_def: [compact({ price, price_with_tax, tax, tax_factor }) as Record<string, string | number>] }];
	}
	if (cats) body.categories = cats.map((category) => ({ category }));
	if (extra_column) body.extra_column = extra_column;
	return compact(body);
}

// ---------------------------------------------------------------- sync

export interface ProductToSync {
	itemIndex: number;
	crmId: string;
	product: ProductFields;
}

export type ProductSyncOutcome = SyncOutcome;

export type ProductMatchExisting = 'code' | 'none';

export interface ProductSyncOptions extends PipelineOptions {
	/** 'code' (default): before adding, adopt a product with the same count_code, else the same code. */
	matchExisting?: ProductMatchExisting;
}

type Deps = SyncDeps;

const norm = (s: unknown): string => (s === undefined || s === null ? '' : String(s)).trim().toLowerCase();

function ambiguous(field: string, value: string, hits: Product[]): MetakockaError {
	return new MetakockaError({
		code: 'AMBIGUOUS_MATCH',
		method: 'product_list',
		description: `${hits.length} products in Metakocka have ${field} "${value}" (mk_id ${hits.map((p) => p.mk_id).join(', ')}); link one by hand or set "Match Existing Products" to None`,
		retryable: false,
	});
}

/** The product this CRM product already is in Metakocka, if any: by count_code (unique), then by code. */
async function findExisting(client: MetakockaClient, product: ProductFields): Promise<{ product: Product; by: string } | undefined> {
	if (product.count_code) {
		const rows = (await client.listProducts({ count_code: product.count_code })).filter((p) => p.count_code === product.count_code);
		if (rows.length > 1) throw ambiguous('count_code', product.count_code, rows);
		if (rows[0]) return { product: rows[0], by: `count code "${product.count_code}"` };
	}
	const code = norm(product.code);
	const rows = (await client.listProducts({ code: product.code })).filter((p) => norm(p.code) === code);
	if (rows.length > 1) throw ambiguous('code', product.code, rows);
	return rows[0] ? { product: rows[0], by: `code "${product.code}"` } : undefined;
}

/** Fields the CRM cleared since the last sync: an empty value would leave them, so they are removed explicitly. */
function removals(previous: unknown, product: ProductFields): Record<string, string> {
	const before = (previous && typeof previous === 'object' ? previous : {}) as Record<string, unknown>;
	const out: Record<string, string> = {};
	for (const key of ['barcode', 'name_desc'] as const) if (before[key] !== undefined && product[key] === undefined) out[key] = REMOVE;
	return out;
}


/** How Sync writes a product: adopt by count code then code, update by mk_id, create otherwise. */
export function productEntity(matchExisting: ProductMatchExisting = 'code'): EntityDescription<ProductToSync> {
	return {
		entity: 'product',
		what: () => 'product',
		content: (item) => compact(item.product),
		readCurrent: async ({ client }, _item, mapping) => {
			const current = await client.getProduct({ mk_id: mapping.mkId });
			return current ? productView(current) : undefined;
		},
		// Deleted in Metakocka since it was mapped: a definite "not found", so adding it again is safe.
		recreatesMissing: true,
		findExisting: async ({ client, store }, item) => {
			if (matchExisting !== 'code') return undefined;
			const found = await findExisting(client, compact(item.product));
			if (!found) return undefined;
			const existing = found.product;
			const owner = (await store.products.getByMkIds(client.companyId, [existing.mk_id])).get(existing.mk_id);
			if (owner && owner.crmId !== item.crmId) {
				throw new StoreError(
					'CONFLICT',
					`Metakocka product ${existing.mk_id} (code "${existing.code ?? ''}") is already mapped to CRM id "${owner.crmId}"; two CRM products cannot share one Metakocka product`,
				);
			}
			return { mkId: existing.mk_id, countCode: existing.count_code ?? null, foundBy: found.by, view: productView(existing) };
		},
		adoptBy: () => (matchExisting === 'code' ? 'count code or code' : undefined),
		write: async ({ client }, item, target, mapping) => {
			const product = compact(item.product);
			if (target) {
				// Identify by mk_id only: count_code in the body could point at another product.
				const body = { ...toProductInput(product), ...removals(mapping?.mkSnapshot, product), mk_id: target.mkId };
				delete body.count_code;
				const updated = await client.updateProduct(body).catch((error: unknown) => {
					if (mapping && isNotFound(error)) return null;
					return Promise.reject(error);
				});
				if (updated) return { status: 'updated', mkId: target.mkId, countCode: updated.count_code || target.countCode || null };
			}
			const { result, reconciled } = await client.addProduct(toProductInput(product));
			return { status: 'created', mkId: result.mk_id, countCode: result.count_code || null, reconciled };
		},
	};
}

/**
 * CRM product → Metakocka product. Unchanged products (same hash as the last write) cost no call;
 * each create/update runs under a Postgres advisory lock on (company, CRM id), the mapping is
 * re-read under the lock and recorded right after the write, so a product is never added twice.
 */
export async function syncProducts(deps: Deps, products: ProductToSync[], options: ProductSyncOptions = {}): Promise<ProductSyncOutcome[]> {
	return await runPipeline(deps, productEntity(options.matchExisting), products, options);
}

/** Dry Run of syncProducts: what it would do to each product, from the same reads, without a write. */
export async function previewProducts(deps: Deps, products: ProductToSync[], options: ProductSyncOptions = {}): Promise<DryRunOutcome[]> {
	return await previewPipeline(deps, productEntity(options.matchExisting), products, options);
}

// ---------------------------------------------------------------- import

export interface ProductImportOptions {
	filter?: ProductFilter;
	/** Text filters checked on the answer (see productTextFilter): Metakocka's own matching is LIKE or absent. */
	textFilter?: ProductTextFilter;
	/** Stop after this many products; absent = the whole (filtered) catalogue. */
	limit?: number;
}

/** code / count_code / title (the product's name) to match, exactly or as a case-insensitive part. */
export interface ProductTextFilter {
	code?: string;
	count_code?: string;
	title?: string;
	exact: boolean;
}

/**
 * product_list's `title` is documented only as a LIKE field (product_list.md 1.8) and a public
 * integration saw name filters ignored (t4a-admin), so what Metakocka answers is a superset: the
 * package checks each product itself, right whether Metakocka matched by LIKE, exactly, or not at all.
 */
export function matchesProductText(p: Product, f: ProductTextFilter): boolean {
	const same = (value: unknown, want: string | undefined): boolean => {
		if (want === undefined) return true;
		const v = String(value ?? '').toLowerCase();
		return f.exact ? v === want.toLowerCase() : v.includes(want.toLowerCase());
	};
	const row = p as Record<string, unknown>;
	return same(row.code, f.code) && same(row.count_code, f.count_code) && same(row.name ?? row.title, f.title);
}

export type ImportedProduct = Product & { crmId: string | null; sync: ReturnType<typeof syncMarks> };

interface ProductImportState {
	at: string;
	count: number;
	complete: boolean;
	/** A bounded run stopped part way through the catalogue: the next one continues at this offset (same filters only). */
	sweep?: { offset: number; key: string };
}

/**
 * Reads Metakocka's catalogue in windows of 1000 (product_list has no total and no change filter,
 * so every import is a scan of the filtered catalogue) and marks each product with the CRM id it is
 * mapped to, if any. Mappings are only read: a product's CRM id is unknown until it is synced.
 * With a limit (Max Records per Run) a run stops after that many and the next continues at the same
 * place in the catalogue, until a run reaches its end; the position is saved after the last window
 * read, also when a later window failed (those products are returned with the error).
 */
export async function importProducts(
	client: MetakockaClient,
	store: MappingStore,
	options: ProductImportOptions = {},
): Promise<{ products: ImportedProduct[]; count: number; mapped: number; complete: boolean; error?: unknown }> {
	const companyId = client.companyId;
	const limit = options.limit !== undefined ? Math.max(1, Math.floor(options.limit)) : undefined;
	const key = JSON.stringify([options.filter ?? {}, options.textFilter ?? null]);
	const saved = limit ? await store.syncState.get<ProductImportState>(companyId, PRODUCT_IMPORT_STATE) : undefined;
	let offset = saved?.sweep?.key === key ? saved.sweep.offset : 0;
	const products: ImportedProduct[] = [];
	let mapped = 0;
	let complete = false;
	let error: unknown;
	for (;;) {
		const size = limit ? Math.min(PRODUCT_PAGE_MAX, Math.max(1, limit - products.length)) : PRODUCT_PAGE_MAX;
		let rows: Product[];
		try {
			rows = await client.listProducts(options.filter ?? {}, { limit: size, offset });
		} catch (e) {
			if (products.length === 0 || !limit) throw e;
			error = e;
			break;
		}
		let used = 0;
		let full = false;
		const batch: Product[] = [];
		for (const p of rows) {
			if (limit && products.length + batch.length >= limit) {
				full = true;
				break;
			}
			used++;
			if (!options.textFilter || matchesProductText(p, options.textFilter)) batch.push(p);
		}
		offset += used;
		if (batch.length) {
			const mappings = await store.products.getByMkIds(companyId, batch.map((p) => p.mk_id));
			for (const p of batch) {
				const mapping = mappings.get(p.mk_id);
				if (mapping) mapped++;
				// The answer itself is the record: marked in place, not copied.
				products.push(Object.assign(p, { crmId: mapping?.crmId ?? null, sync: syncMarks(mapping, productView(p)) }));
			}
		}
		if (full) break;
		if (rows.length < size) {
			complete = true;
			break;
		}
		if (limit && products.length >= limit) break;
	}
	const state: ProductImportState = { at: new Date().toISOString(), count: products.length, complete };
	if (!complete && limit) state.sweep = { offset, key };
	await store.syncState.set(companyId, PRODUCT_IMPORT_STATE, state);
	return { products, count: products.length, mapped, complete, ...(error === undefined ? {} : { error }) };
}
