// The codex files (nodes/<Node>/<Node>.node.json) decide where n8n's node picker lists a node and
// whether its search finds it. n8n 2.41.1's picker (editor-ui, node creator) drops a node whose codex
// has the category "AI" from the regular search unless its AI subcategories include "Root Nodes"
// (the AI Context node was found only in the AI panel before this rule was followed).
import { readdirSync, readFileSync } from 'fs';
import { join } from 'path';

const ROOT = join(__dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
const NODE_DIRS = readdirSync(join(ROOT, 'nodes')).filter((d) => d.startsWith('Metakocka'));

interface Codex {
	node: string;
	categories: string[];
	subcategories?: Record<string, string[]>;
	alias?: string[];
	resources?: Record<string, Array<{ url: string }>>;
}

const codex = (dir: string): Codex => JSON.parse(readFileSync(join(ROOT, 'nodes', dir, `${dir}.node.json`), 'utf8'));

describe('node codex files', () => {
	it('there is one for each of the 8 nodes package.json lists, naming the node type', () => {
		expect(NODE_DIRS).toHaveLength(8);
		expect(pkg.n8n.nodes).toHaveLength(8);
		for (const dir of NODE_DIRS) {
			const type = dir.charAt(0).toLowerCase() + dir.slice(1);
			expect(codex(dir).node).toBe(`n8n-nodes-metakocka.${type}`);
			expect(pkg.n8n.nodes).toContain(`dist/nodes/${dir}/${dir}.node.js`);
		}
	});

	it.each(NODE_DIRS)('%s is searchable in the regular node picker (an AI-category node is a root node)', (dir) => {
		const c = codex(dir);
		if (c.categories.includes('AI')) expect(c.subcategories?.AI).toContain('Root Nodes');
		expect(c.alias).toContain('Metakocka');
		// Listed with the other ERP nodes under Sales.
		expect(c.subcategories?.Sales).toEqual(['ERP']);
	});

	it.each(NODE_DIRS)('%s links documentation that exists in this repository', (dir) => {
		for (const { url } of Object.values(codex(dir).resources ?? {}).flat()) {
			const m = /\/blob\/main\/(docs\/[a-z0-9-]+\.md)(?:#([a-z0-9-]+))?$/.exec(url);
			expect(m).not.toBeNull();
			const text = readFileSync(join(ROOT, m![1]), 'utf8');
			if (m![2]) {
				const anchors = text
					.split('\n')
					.filter((l) => l.startsWith('#'))
					.map((l) => l.replace(/^#+\s*/, '').toLowerCase().replace(/[^a-z0-9 -]/g, '').replace(/ /g, '-'));
				expect(anchors).toContain(m![2]);
			}
		}
	});
});
