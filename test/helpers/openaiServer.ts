import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

// A tiny OpenAI-compatible server for tests: POST /v1/chat/completions only. It records every
// request and answers deterministically, echoing the partner name it finds in the messages.

export interface RecordedRequest {
	method: string;
	url: string;
	headers: Record<string, string | string[] | undefined>;
	body: {
		model?: string;
		temperature?: number;
		max_tokens?: number;
		messages?: Array<{ role: string; content: string }>;
		tools?: unknown;
		[key: string]: unknown;
	};
}

export type FailureMode = { status: 401 | 403 | 404 | 429 | 500; times?: number };

export interface OpenAiTestServer {
	/** Base URL including /v1, as a credential's `url` holds it. */
	baseUrl: string;
	requests: RecordedRequest[];
	/** Make the next requests fail (all of them unless `times`). */
	fail(mode: FailureMode): void;
	/** Answer with this content instead of the echo. */
	reply(content: string | null): void;
	reset(): void;
	close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<string> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
		req.on('error', reject);
	});
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
	res.writeHead(status, { 'content-type': 'application/json', ...headers });
	res.end(JSON.stringify(body));
}

/** The name after "Name:" in the messages (the context's partner section), if any. */
export function partnerNameIn(messages: Array<{ content: string }> = []): string | undefined {
	for (const m of messages) {
		const hit = /^Name: (.+)$/m.exec(String(m.content ?? ''));
		if (hit) return hit[1].trim();
	}
	return undefined;
}

export async function startOpenAiServer(): Promise<OpenAiTestServer> {
	const requests: RecordedRequest[] = [];
	let failure: FailureMode | undefined;
	let fixed: string | null | undefined;

	const server: Server = createServer(async (req, res) => {
		const raw = await readBody(req);
		let body: RecordedRequest['body'] = {};
		try {
			body = raw ? JSON.parse(raw) : {};
		} catch {
			send(res, 400, { error: { message: 'invalid JSON', type: 'invalid_request_error' } });
			return;
		}
		requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
		if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
			send(res, 404, { error: { message: `Unknown path ${req.url}`, type: 'invalid_request_error' } });
			return;
		}
		if (failure) {
			const { status } = failure;
			if (failure.times !== undefined && --failure.times <= 0) failure = undefined;
			const auth = String(req.headers.authorization ?? '');
			const key = auth.replace(/^Bearer\s+/i, '');
			// Worst case on purpose: the server echoes the whole key, in the body and in a header.
			const message =
				status === 401 ? `Incorrect API key provided: ${key}. You can find your API key at https://platform.openai.com/account/api-keys.` : `Test failure ${status} for key ${key}`;
			send(res, status, { error: { message, type: status === 401 ? 'invalid_request_error' : 'server_error', code: status === 401 ? 'invalid_api_key' : null } }, { 'x-echo-authorization': auth });
			return;
		}
		const partner = partnerNameIn(body.messages);
		const content = fixed !== undefined ? fixed : `Spoštovani, hvala za sporočilo. Odgovor za ${partner ?? 'neznanega partnerja'}.`;
		send(res, 200, {
			id: `chatcmpl-test-${requests.length}`,
			object: 'chat.completion',
			created: 1_700_000_000,
			model: body.model ?? 'unknown',
			choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
			usage: { prompt_tokens: 100, completion_tokens: 20, total_tokens: 120 },
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		baseUrl: `http://127.0.0.1:${port}/v1`,
		requests,
		fail: (mode) => {
			failure = { ...mode };
		},
		reply: (content) => {
			fixed = content;
		},
		reset: () => {
			requests.length = 0;
			failure = undefined;
			fixed = undefined;
		},
		close: () =>
			new Promise<void>((resolve, reject) => {
				server.closeAllConnections();
				server.close((e) => (e ? reject(e) : resolve()));
			}),
	};
}
