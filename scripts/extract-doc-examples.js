#!/usr/bin/env node
// Extracts request/response example pairs from the official Metakocka docs (metakocka_api_base,
// docs/*.md) into test/src/sandbox/fixtures/docs/<doc file>.json, for the doc-replay test.
// Usage: node scripts/extract-doc-examples.js <docs dir> [file.md ...]
// The docs' code blocks are JavaScript-ish (comments, "OR" alternatives, trailing commas): a block
// that does not parse after light cleanup is skipped and listed, never guessed.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const [docsDir, ...only] = process.argv.slice(2);
if (!docsDir) {
	console.error('usage: node scripts/extract-doc-examples.js <docs dir> [file.md ...]');
	process.exit(2);
}
const outDir = path.join(__dirname, '..', 'test', 'src', 'sandbox', 'fixtures', 'docs');
fs.mkdirSync(outDir, { recursive: true });

function clean(code) {
	return code
		.replace(/\/\/[^\n"]*$/gm, '')
		.replace(/^\s*OR\s*$/gm, '')
		.replace(/,(\s*[}\]])/g, '$1');
}

function parse(code) {
	try {
		return JSON.parse(clean(code));
	} catch {
		return undefined;
	}
}

function extract(file) {
	const md = fs.readFileSync(path.join(docsDir, file), 'utf8');
	const blocks = [];
	const re = /```[ \t]*[a-z]*[ \t]*\n([\s\S]*?)```/g;
	let m;
	while ((m = re.exec(md))) {
		const before = md.slice(Math.max(0, m.index - 400), m.index);
		const heading = [...md.slice(0, m.index).matchAll(/^#+\s*(.+)$/gm)].pop()?.[1]?.trim() ?? '';
		const label = /respon[sd]|answer|reply/i.test(before.split(/\n\s*\n/).slice(-2).join(' ')) ? 'response' : 'request';
		blocks.push({ heading, label, code: m[1], json: parse(m[1]) });
	}
	const pairs = [];
	const skipped = [];
	for (let i = 0; i < blocks.length; i++) {
		const b = blocks[i];
		if (!b.json) {
			skipped.push(b.heading);
			continue;
		}
		const isResponse = b.label === 'response' || ('opr_code' in b.json && !('secret_key' in b.json));
		if (isResponse) continue;
		const next = blocks[i + 1];
		const response = next && next.json && (next.label === 'response' || 'opr_code' in next.json) && !('secret_key' in next.json) ? next.json : undefined;
		pairs.push({ heading: b.heading, request: b.json, ...(response ? { response } : {}) });
	}
	return { pairs, skipped };
}

const files = only.length ? only : fs.readdirSync(docsDir).filter((f) => f.endsWith('.md'));
for (const file of files) {
	const { pairs, skipped } = extract(file);
	if (!pairs.length) continue;
	const out = { source: `metakocka/metakocka_api_base docs/${file}`, pairs };
	fs.writeFileSync(path.join(outDir, file.replace(/\.md$/, '.json')), `${JSON.stringify(out, null, '\t')}\n`);
	console.log(`${file}: ${pairs.length} examples (${pairs.filter((p) => p.response).length} with a response)${skipped.length ? `; skipped unparsable: ${skipped.join(' | ')}` : ''}`);
}
