import type {
	IAuthenticateGeneric,
	IAuthenticateRuleResponseSuccessBody,
	ICredentialTestRequest,
	ICredentialType,
	Icon,
	INodeProperties,
} from 'n8n-workflow';

import { AUTH_BODY_KEYS, KNOWN_FAILURE_CODES } from '../src/client/auth';

// Metakocka answers a wrong key with HTTP 200 and a non-zero opr_code: each known failure code
// (the client's list) fails the test.

const rejectedBy = (code: string): IAuthenticateRuleResponseSuccessBody => ({
	type: 'responseSuccessBody',
	properties: {
		key: 'opr_code',
		value: code,
		message: `Rejected by Metakocka (opr_code ${code}): check the company ID and the secret key`,
	},
});

export class MetakockaApi implements ICredentialType {
	name = 'metakockaApi';

	displayName = 'Metakocka API';

	icon: Icon = {
		light: 'file:../nodes/shared/metakocka.svg',
		dark: 'file:../nodes/shared/metakocka.dark.svg',
	};

	documentationUrl = 'https://github.com/metakocka/metakocka_api_base';

	properties: INodeProperties[] = [
		{
			displayName: 'Company ID',
			name: 'companyId',
			type: 'string',
			default: '',
			required: true,
			placeholder: '16',
			description: 'The public number of the company in Metakocka (Settings → API)',
		},
		{
			displayName: 'Secret Key',
			name: 'secretKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'The API secret key of the company; it is sent in the request body, never in a URL',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://main.metakocka.si',
			description:
				'Metakocka host. Use https://devmainsi.metakocka.si for the test host, or the URL the local sandbox prints.',
		},
		{
			displayName: 'Write Timeout (Seconds)',
			name: 'writeTimeout',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 120,
			description:
				'How long to wait for a write (create, update, put_document). Metakocka can take about 48 s on slow paths; a write that times out is looked up before anything is sent again.',
		},
		{
			displayName: 'Read Timeout (Seconds)',
			name: 'readTimeout',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 30,
			description: 'How long to wait for a read or search',
		},
	];

	// Metakocka has no auth header: both values travel in every JSON body.
	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			body: {
				[AUTH_BODY_KEYS.secretKey]: '={{$credentials.secretKey}}',
				[AUTH_BODY_KEYS.companyId]: '={{$credentials.companyId}}',
			},
		},
	};

	// warehouse_list needs nothing but the credentials and changes nothing.
	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl.replace(/\\/+$/, "")}}',
			url: '/rest/eshop/v1/json/warehouse_list',
			method: 'POST',
			body: {},
			json: true,
		},
		rules: KNOWN_FAILURE_CODES.map(rejectedBy),
	};
}
