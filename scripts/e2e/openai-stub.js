// A local OpenAI-compatible test server for the end-to-end tests and `npm start`: GET /v1/models and
// POST /v1/chat/completions (plain and streamed). Deterministic, no model behind it:
// - when the request offers tools and no tool has answered yet, it calls the first offered tool whose
//   name matches `toolPattern` (default: /metakocka/i), with the arguments from `toolArguments`;
// - when a tool has answered, it replies "Tool result: <the tool's answer>";
// - otherwise it replies with `reply` (default: a short draft naming the partner of the context it
//   was given; a function gets the request).
// Every request is recorded (GET /__stub/requests, POST /__stub/reset) so tests can assert on what
// n8n offered the model (tool names, descriptions, parameters); POST /__stub/config sets
// {toolPattern (a regular expression), toolArguments, reply}.
'use strict';

const http = require('node:http');

function startOpenAiStub(options = {}) {
	const requests = [];
	const settings = {
		toolPattern: options.toolPattern ?? /metakocka/i,
		toolArguments: options.toolArguments ?? {},
		// Default: a short draft that names the partner the request's context carries ("Name: …").
		reply:
			options.reply ??
			((body) => {
				const text = (body.messages ?? []).map((m) => (typeof m.content === 'string' ? m.content : '')).join('\n');
				const name = /^Name: (.+)$/m.exec(text)?.[1]?.trim();
				return `Hvala za vaše sporočilo${name ? `, ${name}` : ''}: naročilo pripravljamo. (osnutek lokalnega testnega modela)`;
			}),
	};
	let counter = 0;

	const completion = (body, message, finishReason) => ({
		id: `chatcmpl-stub-${++counter}`,
		object: 'chat.completion',
		created: Math.floor(Date.now() / 1000),
		model: body.model ?? 'stub-model',
		choices: [{ index: 0, message, finish_reason: finishReason, logprobs: null }],
		usage: { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 },
	});

	function answer(body) {
		const messages = Array.isArray(body.messages) ? body.messages : [];
		const last = messages[messages.length - 1];
		if (last && last.role === 'tool') {
			const content = typeof last.content === 'string' ? last.content : JSON.stringify(last.content);
			return { message: { role: 'assistant', content: `Tool result: ${content}`, refusal: null }, finish: 'stop' };
		}
		const tools = Array.isArray(body.tools) ? body.tools : [];
		const tool = tools.find((t) => settings.toolPattern.test(t.function?.name ?? ''));
		if (tool) {
			const args = typeof settings.toolArguments === 'function' ? settings.toolArguments(tool, body) : settings.toolArguments;
			return {
				message: {
					role: 'assistant',
					content: null,
					refusal: null,
					tool_calls: [{ id: `call_stub_${counter + 1}`, type: 'function', function: { name: tool.function.name, arguments: JSON.stringify(args) } }],
				},
				finish: 'tool_calls',
			};
		}
		const text = typeof settings.reply === 'function' ? settings.reply(body) : settings.reply;
		return { message: { role: 'assistant', content: text, refusal: null }, finish: 'stop' };
	}

	function stream(res, body, message, finish) {
		res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
		const id = `chatcmpl-stub-${++counter}`;
		const chunk = (delta, finishReason = null) =>
			res.write(
				`data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created: Math.floor(Date.now() / 1000), model: body.model ?? 'stub-model', choices: [{ index: 0, delta, finish_reason: finishReason }] })}\n\n`,
			);
		if (message.tool_calls) {
			chunk({ role: 'assistant', content: null, tool_calls: message.tool_calls.map((c, index) => ({ index, ...c })) });
		} else {
			chunk({ role: 'assistant', content: message.content });
		}
		chunk({}, finish);
		res.write('data: [DONE]\n\n');
		res.end();
	}

	const server = http.createServer((req, res) => {
		const chunks = [];
		req.on('data', (c) => chunks.push(c));
		req.on('end', () => {
			const url = new URL(req.url ?? '/', 'http://stub');
			const path = url.pathname.replace(/\/+$/, '');
			let body = {};
			try {
				body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : {};
			} catch {
				body = { unparsed: Buffer.concat(chunks).toString('utf8') };
			}
			const send = (status, payload) => {
				res.writeHead(status, { 'content-type': 'application/json' });
				res.end(JSON.stringify(payload));
			};
			if (path === '/__stub/requests') return send(200, requests);
			if (path === '/__stub/config' && req.method === 'POST') {
				if (typeof body.toolPattern === 'string') settings.toolPattern = new RegExp(body.toolPattern, 'i');
				if (body.toolArguments !== undefined) settings.toolArguments = body.toolArguments;
				if (typeof body.reply === 'string') settings.reply = body.reply;
				return send(200, { ok: true });
			}
			if (path === '/__stub/reset') {
				requests.length = 0;
				return send(200, { ok: true });
			}
			requests.push({ method: req.method, path, headers: { authorization: req.headers.authorization ? 'present' : 'absent' }, body });
			if (req.method === 'GET' && path.endsWith('/models')) {
				return send(200, { object: 'list', data: [{ id: 'gpt-4o-mini', object: 'model', created: 0, owned_by: 'stub' }] });
			}
			if (req.method === 'POST' && path.endsWith('/chat/completions')) {
				const { message, finish } = answer(body);
				if (body.stream) return stream(res, body, message, finish);
				return send(200, completion(body, message, finish));
			}
			return send(404, { error: { message: `The OpenAI stub does not serve ${req.method} ${path}`, type: 'invalid_request_error' } });
		});
	});

	return new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(options.port ?? 0, '127.0.0.1', () => {
			const { port } = server.address();
			resolve({
				baseUrl: `http://127.0.0.1:${port}/v1`,
				requests: () => requests.slice(),
				reset: () => {
					requests.length = 0;
				},
				configure: (next) => Object.assign(settings, next),
				close: () => new Promise((r) => server.close(() => r())),
			});
		});
	});
}

module.exports = { startOpenAiStub };
