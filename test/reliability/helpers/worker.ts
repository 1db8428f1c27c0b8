// A separate Node process that runs the Metakocka Contact node's Sync the way an n8n worker would:
// it builds the node's execute context itself and shares nothing with its parent or its sibling
// except Postgres and the sandbox. Started by concurrency.test.ts with child_process.fork.
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import * as clientModule from '../../../src/client/client';
import { clientDefaults } from './clientDefaults';

export interface WorkerJob {
	credentials: { metakockaApi: IDataObject; postgres: IDataObject };
	mappingStore: { schema: string };
	items: IDataObject[];
}

export interface WorkerResult {
	pid: number;
	items: Array<Pick<INodeExecutionData, 'json' | 'pairedItem'>>;
	logs: unknown[];
	error?: { message: string; description?: string };
}

// The same short client timeouts as the jest suite (no jest.mock in a plain process).
const Base = clientModule.MetakockaClient;
(clientModule as { MetakockaClient: typeof Base }).MetakockaClient = class extends Base {
	constructor(...[credentials, options]: ConstructorParameters<typeof Base>) {
		super(credentials, { ...clientDefaults(), ...options });
	}
};

async function main(): Promise<void> {
	// Loaded after the patch above, as n8n would load the node file.
	const { MetakockaContact } = await import('../../../nodes/MetakockaContact/MetakockaContact.node');
	const { fakeExecuteFunctions } = await import('../../helpers/n8n');
	const { CONTACT_PARAMS } = await import('./harness');
	const node = new MetakockaContact();

	const job = await new Promise<WorkerJob>((resolve) => {
		process.once('message', (m) => resolve(m as WorkerJob));
		process.send!({ ready: true });
	});
	// Both workers start on the parent's signal, so they really run at the same moment.
	await new Promise<void>((resolve) => process.once('message', () => resolve()));

	const logs: Array<{ level: string; message: string; meta?: unknown }> = [];
	const result: WorkerResult = { pid: process.pid, items: [], logs };
	try {
		const ctx = fakeExecuteFunctions(
			{
				params: { ...CONTACT_PARAMS, mappingStore: job.mappingStore },
				items: job.items,
				credentials: job.credentials,
				continueOnFail: true,
			},
			logs,
		);
		const [out] = await node.execute.call(ctx);
		result.items = out.map(({ json, pairedItem }) => ({ json, pairedItem }));
	} catch (e) {
		const error = e as Error & { description?: string };
		result.error = { message: error.message, description: error.description };
	}
	process.send!({ result }, () => process.exit(0));
}

main().catch((e: unknown) => {
	process.send?.({ result: { pid: process.pid, items: [], logs: [], error: { message: String(e) } } }, () => process.exit(1));
});
