import axios from 'axios';
import type { IAuthenticateGeneric, IAuthenticateRuleResponseSuccessBody } from 'n8n-workflow';

import { MetakockaApi } from '../../credentials/MetakockaApi.credentials';
import { startSandbox, type Sandbox } from '../../src/sandbox';

const credential = new MetakockaApi();

/** What n8n does with the credential: fill the expressions, put the auth into the body, apply the rules. */
async function runCredentialTest(baseUrl: string, companyId: string, secretKey: string): Promise<string | undefined> {
	const values: Record<string, string> = { baseUrl, companyId, secretKey };
	const fill = (expression: string) =>
		expression.replace(/=\{\{\s*\$credentials\.(\w+)(.*?)\s*\}\}/, (_m, key: string) => values[key].replace(/\/+$/, ''));
	const auth = (credential.authenticate as IAuthenticateGeneric).properties.body as Record<string, string>;
	const request = credential.test.request;
	const body = { ...(request.body as object), ...Object.fromEntries(Object.entries(auth).map(([k, v]) => [k, fill(v)])) };
	const response = await axios.post(`${fill(String(request.baseURL))}${request.url}`, body);
	for (const rule of (credential.test.rules ?? []) as IAuthenticateRuleResponseSuccessBody[]) {
		if (String(response.data?.[rule.properties.key]) === String(rule.properties.value)) return String(rule.properties.message);
	}
	return undefined;
}

describe('Metakocka API credential', () => {
	let sandbox: Sandbox;
	beforeAll(async () => {
		sandbox = await startSandbox({ companyId: '16', secretKey: 'right-key' });
	});
	afterAll(async () => sandbox.close());

	it('keeps the secret key in a password field and sends both values in the JSON body', () => {
		const secret = credential.properties.find((p) => p.name === 'secretKey');
		expect(secret?.typeOptions?.password).toBe(true);
		const body = (credential.authenticate as IAuthenticateGeneric).properties.body as Record<string, string>;
		expect(body).toEqual({ secret_key: '={{$credentials.secretKey}}', company_id: '={{$credentials.companyId}}' });
	});

	it('passes with the right key', async () => {
		await expect(runCredentialTest(sandbox.baseUrl, '16', 'right-key')).resolves.toBeUndefined();
	});

	it('fails with "Rejected by Metakocka" for a wrong key, although Metakocka answers HTTP 200', async () => {
		const message = await runCredentialTest(`${sandbox.baseUrl}/`, '16', 'wrong-key');
		expect(message).toMatch(/^Rejected by Metakocka \(opr_code 1\)/);
		expect(message).not.toContain('wrong-key');
	});

	it('fails for a wrong company ID too', async () => {
		await expect(runCredentialTest(sandbox.baseUrl, '999', 'right-key')).resolves.toMatch(/Rejected by Metakocka/);
	});
});
