import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { getClient, runPerItem, toNodeError } from '../../../../src/n8n';
import { InputError } from '../../../../src/input';
import { createDocument, parseDocument, resolveDocuments, type ProductCheckCache, type ResolvedDocument } from '../../../../src/sync/documents';
import { docTypeFor, headParameters, lineParameters, partnerParameters, readDocumentInput } from './fields';

const show = { resource: ['salesDocument'], operation: ['create'] };

export const description: INodeProperties[] = [
	...partnerParameters(show, false),
	...headParameters(show, '={{ $today.toFormat("yyyy-MM-dd") }}'),
	...lineParameters(show, 'fields'),
];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const items = this.getInputData();
	const failed = new Map<number, InputError>();
	const parsed = [];
	for (let i = 0; i < items.length; i++) {
		try {
			parsed.push({ itemIndex: i, doc: parseDocument(readDocumentInput(this, i, docTypeFor(this, i)), i) });
		} catch (error) {
			if (!(error instanceof InputError)) throw toNodeError(this, error, i);
			failed.set(i, error);
		}
	}
	// Create has no mapping store: CRM IDs in an item are an input error (Sync resolves them).
	const docs = new Map<number, ResolvedDocument>();
	for (const r of await resolveDocuments(undefined, '-', parsed)) {
		if ('error' in r) failed.set(r.itemIndex, r.error);
		else docs.set(r.itemIndex, r);
	}
	// Without "Continue On Fail", one bad item stops the run before anything is written.
	if (failed.size && !this.continueOnFail()) {
		const first = Math.min(...failed.keys());
		throw toNodeError(this, failed.get(first), first);
	}

	const client = await getClient(this);
	const cache: ProductCheckCache = new Map();
	return await runPerItem(this, async (i) => {
		const doc = docs.get(i);
		if (!doc) throw failed.get(i);
		const { mkId, countCode, reconciled, result } = await createDocument(client, doc, cache);
		return { ...result, status: 'created', docType: doc.docType, mkId, countCode, reconciled };
	});
}
