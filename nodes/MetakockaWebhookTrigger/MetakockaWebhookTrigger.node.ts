import {
	NodeConnectionTypes,
	type IDataObject,
	type IHookFunctions,
	type INodeType,
	type INodeTypeDescription,
	type IWebhookFunctions,
	type IWebhookResponseData,
} from 'n8n-workflow';

import { checkDelivery, OK_REPLY, rememberEvent, webhookItems } from '../../src/trigger';

type RawRequest = { rawBody?: Buffer | string; readRawBody?: () => Promise<void> };

export class MetakockaWebhookTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Metakocka Webhook Trigger',
		name: 'metakockaWebhookTrigger',
		icon: { light: 'file:../shared/metakocka.svg', dark: 'file:../shared/metakocka.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: 'On stock update',
		description: "Starts the workflow when Metakocka ERP sends a webhook (stock of a product recalculated)",
		defaults: { name: 'Metakocka Webhook Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		webhooks: [
			{
				name: 'default',
				httpMethod: 'POST',
				responseMode: 'onReceived',
				// Without it n8n 2.41 answers the literal "firstEntryJson" instead of the node's {"status":"ok"}.
				responseData: '',
				path: 'metakocka',
			},
		],
		properties: [
			{
				displayName:
					'Metakocka webhooks are set up in Metakocka, not through its API: add a webhook there with this node\'s Production URL (above) and the same Client Secret. Metakocka signs every call with it; a call with a wrong or missing signature is answered 401 and starts nothing.',
				name: 'setupNotice',
				type: 'notice',
				default: '',
			},
			{
				displayName: 'Client Secret',
				name: 'clientSecret',
				type: 'string',
				typeOptions: { password: true },
				default: '',
				required: true,
				description: "The webhook's client_secret in Metakocka: X-MetaKocka-Signature is Base64(HMAC-SHA1(body, client secret))",
			},
			{
				displayName: 'Basic Auth',
				name: 'basicAuth',
				type: 'boolean',
				default: false,
				description: 'Whether Metakocka also sends the optional basic auth user name and password set on the webhook',
			},
			{
				displayName: 'Basic Auth User',
				name: 'basicAuthUser',
				type: 'string',
				default: '',
				required: true,
				displayOptions: { show: { basicAuth: [true] } },
			},
			{
				displayName: 'Basic Auth Password',
				name: 'basicAuthPassword',
				type: 'string',
				typeOptions: { password: true },
				default: '',
				required: true,
				displayOptions: { show: { basicAuth: [true] } },
			},
		],
	};

	// The webhook is registered by hand in the Metakocka UI (the API has no webhook endpoint), so
	// there is nothing to check, create or delete on Metakocka's side.
	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				return true;
			},
			async create(this: IHookFunctions): Promise<boolean> {
				return true;
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				return true;
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const request = this.getRequestObject() as unknown as RawRequest;
		if (request.rawBody === undefined && typeof request.readRawBody === 'function') await request.readRawBody();
		const basicAuth = this.getNodeParameter('basicAuth', false) as boolean;
		const check = checkDelivery(
			{ headers: this.getHeaderData() as Record<string, unknown>, rawBody: request.rawBody },
			{
				clientSecret: String(this.getNodeParameter('clientSecret', '') ?? ''),
				basicAuth: basicAuth
					? { user: String(this.getNodeParameter('basicAuthUser', '') ?? ''), password: String(this.getNodeParameter('basicAuthPassword', '') ?? '') }
					: undefined,
			},
		);
		if (!check.ok) {
			// Rejected: no workflow run. The reason stays generic for the caller.
			const res = this.getResponseObject();
			if (check.status === 401 && basicAuth) res.set('WWW-Authenticate', 'Basic realm="Metakocka webhook"');
			res.status(check.status).json({ status: 'error', message: check.status === 401 ? 'Unauthorized' : 'Bad request' });
			return { noWebhookResponse: true };
		}
		if (check.eventId) {
			// Metakocka retries an event whose answer it did not get: the same X-MetaKocka-Id fires once.
			const staticData = this.getWorkflowStaticData('node');
			const seen = Array.isArray(staticData.eventIds) ? (staticData.eventIds as string[]) : [];
			const first = rememberEvent(seen, check.eventId);
			staticData.eventIds = seen;
			if (!first) return { webhookResponse: OK_REPLY };
		}
		const items = webhookItems(check.event, check.eventId, check.body);
		return {
			webhookResponse: OK_REPLY,
			workflowData: [this.helpers.returnJsonArray(items as IDataObject[])],
		};
	}
}
