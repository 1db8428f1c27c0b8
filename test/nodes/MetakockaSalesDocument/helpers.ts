import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { MetakockaSalesDocument } from '../../../nodes/MetakockaSalesDocument/MetakockaSalesDocument.node';
import { fakeExecuteFunctions, type FakeRun } from '../../helpers/n8n';
import type { TestEnv } from '../../helpers/env';

export const node = new MetakockaSalesDocument();

/** Runs the node once against the test env; returns its single output. */
export async function run(
	env: TestEnv,
	params: FakeRun['params'],
	opts: { items?: IDataObject[]; continueOnFail?: boolean; credentials?: FakeRun['credentials']; typeVersion?: number } = {},
): Promise<INodeExecutionData[]> {
	const ctx = fakeExecuteFunctions({
		params: { resource: 'salesDocument', docType: 'sales_order', mappingStore: env.mappingStore, ...params },
		items: opts.items,
		credentials: opts.credentials ?? env.credentials,
		continueOnFail: opts.continueOnFail,
		typeVersion: opts.typeVersion,
	});
	const [out] = await node.execute.call(ctx);
	return out;
}

export const partnerFields = { customer: 'Node Test d.o.o.', street: 'Dunajska cesta 5', post_number: '1000', place: 'Ljubljana', country: 'Slovenia' };
export const jsonLine = (over: IDataObject = {}): IDataObject => ({ code: 'VIJ-M8-50', amount: 2, price: 0.32, tax: 'EX4', ...over });

/** Create-from-item parameters: partner and lines from the item's JSON. */
export const fromItem = {
	partnerSource: 'json',
	partnerJson: (_i: number, item: INodeExecutionData) => item.json.partner,
	docDate: (_i: number, item: INodeExecutionData) => item.json.date,
	linesSource: 'json',
	linesJson: (_i: number, item: INodeExecutionData) => item.json.lines,
	additionalFields: (_i: number, item: INodeExecutionData) => (item.json.additional as IDataObject) ?? {},
};

export const writeCount = (counters: Record<string, number>): number =>
	['put_document', 'update_document', 'delete_document', 'change_document_status', 'add_partner', 'product_add'].reduce(
		(sum, k) => sum + (counters[k] ?? 0),
		0,
	);
