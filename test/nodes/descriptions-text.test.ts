// What the editor shows of each node: no stray control characters in any text, and notices that are
// true whatever the user has selected (n8n cannot show a notice only while a credential is missing).
import type { INodeTypeDescription } from 'n8n-workflow';

import { MetakockaAiContext } from '../../nodes/MetakockaAiContext/MetakockaAiContext.node';
import { MetakockaContact } from '../../nodes/MetakockaContact/MetakockaContact.node';
import { MetakockaEmailEnricher } from '../../nodes/MetakockaEmailEnricher/MetakockaEmailEnricher.node';
import { MetakockaProduct } from '../../nodes/MetakockaProduct/MetakockaProduct.node';
import { MetakockaSalesDocument } from '../../nodes/MetakockaSalesDocument/MetakockaSalesDocument.node';
import { MetakockaTemplate } from '../../nodes/MetakockaTemplate/MetakockaTemplate.node';
import { MetakockaTrigger } from '../../nodes/MetakockaTrigger/MetakockaTrigger.node';
import { MetakockaWebhookTrigger } from '../../nodes/MetakockaWebhookTrigger/MetakockaWebhookTrigger.node';

const descriptions: INodeTypeDescription[] = [
	MetakockaAiContext,
	MetakockaContact,
	MetakockaEmailEnricher,
	MetakockaProduct,
	MetakockaSalesDocument,
	MetakockaTemplate,
	MetakockaTrigger,
	MetakockaWebhookTrigger,
].map((NodeClass) => new NodeClass().description);

/** Every string the editor may show: display names, descriptions, hints, placeholders, notices, option names. */
function texts(value: unknown, path: string, out: Array<{ path: string; text: string }>): Array<{ path: string; text: string }> {
	if (typeof value === 'string') out.push({ path, text: value });
	else if (Array.isArray(value)) value.forEach((v, i) => texts(v, `${path}[${i}]`, out));
	else if (value && typeof value === 'object') {
		for (const [key, v] of Object.entries(value)) {
			if (['displayName', 'description', 'hint', 'placeholder', 'name', 'action', 'subtitle', 'options', 'values', 'properties', 'modes'].includes(key) || Array.isArray(v) || typeof v === 'object') {
				texts(v, `${path}.${key}`, out);
			}
		}
	}
	return out;
}

describe('node descriptions as the editor shows them', () => {
	it.each(descriptions.map((d) => [d.displayName, d]))('%s: no tab or other control character in any text', (_name, description) => {
		const all = texts(description.properties, 'properties', []);
		expect(all.length).toBeGreaterThan(10);
		const bad = all.filter((t) => /[\u0000-\u0009\u000b-\u001f]/.test(t.text));
		expect(bad).toEqual([]);
	});

	it('no notice tells the user to select a credential (it would show while one is selected too)', () => {
		for (const description of descriptions) {
			const notices = description.properties.filter((p) => p.type === 'notice');
			for (const notice of notices) expect(notice.displayName).not.toMatch(/select a .*credential/i);
		}
		// The Postgres notices are there, reworded.
		const contact = descriptions.find((d) => d.name === 'metakockaContact')!;
		expect(contact.properties.some((p) => p.type === 'notice' && /Postgres credential/.test(p.displayName))).toBe(true);
	});
});
