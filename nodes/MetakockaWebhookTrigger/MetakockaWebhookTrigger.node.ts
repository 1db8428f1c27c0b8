import {
	NodeOperationError,
	type IDataObject,
	type IHookFunctions,
	type INodeType,
	type INodeTypeDescription,
	type IWebhookFunctions,
	type IWebhookResponseData,
} from 'n8n-workflow';

import { triggerNode } from '../shared/node';
import {
	admitDelivery,
	checkDelivery,
	DEFAULT_REPLAY_WINDOW_MINUTES,
	MIN_CLIENT_SECRET_LENGTH,
	OK_REPLY,
	type ReplayState,
	validateClientSecret,
	webhookItems,
} from '../../src';

type RawRequest = { rawBody?: Buffer | string; readRawBody?: () => Promise<void> };

export class MetakockaWebhookTrigger implements INodeType {
	description: INodeTypeDescription = {
		...triggerNode({
			displayName: 'Metakocka Webhook Trigger',
			name: 'metakockaWebhookTrigger',
			description: "Starts the workflow when Metakocka ERP sends a webhook (stock of a product recalculated)",
			metakockaCredential: false,
		}),
		// n8n's community checks read these from the class itself.
		icon: { light: 'file:../shared/metakocka.svg', dark: 'file:../shared/metakocka.dark.svg' },
		subtitle: 'On stock update',
		webhooks: [
			{
				name: 'default',
				httpMethod: 'POST',
				responseMode: 'onReceived',
				// Without it n8n 2.41 answers the literal "firstEntryJson" instead of the node's OK_REPLY.
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
				description: `The webhook's client_secret in Metakocka (at least ${MIN_CLIENT_SECRET_LENGTH} characters): X-MetaKocka-Signature is Base64(HMAC-SHA1(body, client secret))`,
			},
			{
				displayName: 'Basic Auth',
				name: 'basicAuth',
				type: 'boolean',
				default: false,
				description:
					'Whether Metakocka also sends the optional basic auth user name and password set on the webhook. Recommended: the signature covers only the body, so basic auth is what ties a call to Metakocka.',
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
			{
				displayName: 'Replay Window (Minutes)',
				name: 'replayWindowMinutes',
				type: 'number',
				typeOptions: { minValue: 0, maxValue: 10080 },
				default: DEFAULT_REPLAY_WINDOW_MINUTES,
				description:
					'A call whose body is byte-for-byte the same as one received within this many minutes is answered OK but starts nothing, so a captured call resent under a new event ID header does not fire again. 0 turns this off (event IDs are still checked).',
			},
		],
	};

	// The webhook is registered by hand in the Metakocka UI (the API has no webhook endpoint), so
	// there is nothing to check, create or delete on Metakocka's side.
	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				// Activation fails here, with the reason, rather than every delivery failing later.
				try {
					validateClientSecret(this.getNodeParameter('clientSecret', ''));
				} catch (error) {
					throw new NodeOperationError(this.getNode(), (error as Error).message);
				}
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
		let clientSecret: string;
		try {
			clientSecret = validateClientSecret(this.getNodeParameter('clientSecret', ''));
		} catch {
			// A guessable secret authenticates nobody: nothing runs until it is fixed (activation says why).
			this.getResponseObject().status(401).json({ status: 'error', message: 'Unauthorized' });
			return { noWebhookResponse: true };
		}
		const check = checkDelivery(
			{ headers: this.getHeaderData() as Record<string, unknown>, rawBody: request.rawBody },
			{
				clientSecret,
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
		// Metakocka retries an event whose answer it did not get (same X-MetaKocka-Id), and a captured
		// call may be resent under a new id (same body): either way it fires once.
		const staticData = this.getWorkflowStaticData('node');
		const replay = { seen: staticData.seen, eventIds: staticData.eventIds } as ReplayState;
		const windowMinutes = Number(this.getNodeParameter('replayWindowMinutes', DEFAULT_REPLAY_WINDOW_MINUTES));
		const verdict = admitDelivery(replay, { eventId: check.eventId, rawBody: request.rawBody! }, {
			windowMs: Number.isFinite(windowMinutes) && windowMinutes >= 0 ? windowMinutes * 60_000 : DEFAULT_REPLAY_WINDOW_MINUTES * 60_000,
		});
		staticData.seen = replay.seen as IDataObject;
		delete staticData.eventIds;
		if (!verdict.first) return { webhookResponse: OK_REPLY };
		const items = webhookItems(check.event, check.eventId, check.body);
		return {
			webhookResponse: OK_REPLY,
			workflowData: [this.helpers.returnJsonArray(items as IDataObject[])],
		};
	}
}
