import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { createDocument, getClient, nodeVersion, parseDocument, type ProductCheckCache, type ResolvedDocument, resolveDocuments, runItems, validateAll } from '../../../../src';
import { docTypeFor, headParameters, lineParameters, partnerParameters, PUT_TYPES, readDocumentInput } from './fields';

const show = { resource: ['salesDocument'], operation: ['create'] };

export const description: INodeProperties[] = [
	...partnerParameters(show, false),
	...headParameters(show, '={{ $today.toFormat("yyyy-MM-dd") }}'),
	...lineParameters(show, 'fields'),
];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	// Create has no mapping store: CRM IDs in an item are an input error (Sync resolves them).
	const parsed = validateAll(this, (i) => ({ itemIndex: i, doc: parseDocument(readDocumentInput(this, i, docTypeFor(this, i, PUT_TYPES, 'Create')), i) }));
	const docs = new Map<number, ResolvedDocument | { error: unknown }>();
	parsed.forEach((p, i) => p.error !== undefined && docs.set(i, { error: p.error }));
	const valid = parsed.flatMap((p) => (p.value ? [p.value] : []));
	for (const r of await resolveDocuments(undefined, '-', valid)) docs.set(r.itemIndex, 'error' in r ? { error: r.error } : r);

	const client = await getClient(this);
	const cache: ProductCheckCache = new Map();
	const v2 = nodeVersion(this) >= 2;
	return await runItems(this, {
		writes: true,
		parse: (i) => {
			const doc = docs.get(i);
			if (!doc || 'error' in doc) throw doc?.error;
			return doc;
		},
		run: async (_i, doc) => {
			const { mkId, countCode, reconciled, result } = await createDocument(client, doc, cache);
			// Version 1 also repeated mk_id and count_code in camelCase.
			return v2
				? { ...result, status: 'created', doc_type: doc.docType, mk_id: mkId, count_code: countCode ?? null, reconciled }
				: { ...result, status: 'created', docType: doc.docType, mkId, countCode, reconciled };
		},
	});
}
