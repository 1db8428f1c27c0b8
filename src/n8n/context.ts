import type {
	ICredentialDataDecryptedObject,
	IExecuteFunctions,
	ILoadOptionsFunctions,
	IPollFunctions,
} from 'n8n-workflow';

import { MetakockaClient, type ClientOptions, type MetakockaCredentials } from '../client';
import { MappingStore, type PostgresSslMode, type StoreOptions } from '../store';

type CredentialCtx = IExecuteFunctions | ILoadOptionsFunctions | IPollFunctions;

export const METAKOCKA_CREDENTIAL = 'metakockaApi';
export const POSTGRES_CREDENTIAL = 'postgres';
/** n8n's built-in OpenAI credential (any OpenAI-compatible base URL), for drafting replies. */
export const OPENAI_CREDENTIAL = 'openAiApi';

export function metakockaCredentials(raw: ICredentialDataDecryptedObject): MetakockaCredentials {
	return {
		companyId: String(raw.companyId ?? '').trim(),
		secretKey: String(raw.secretKey ?? ''),
		baseUrl: String(raw.baseUrl || 'https://main.metakocka.si'),
	};
}

/** The credential's timeouts (seconds) as client options; absent or invalid values leave the client's defaults. */
export function credentialTimeouts(raw: ICredentialDataDecryptedObject): ClientOptions {
	const ms = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? Math.round(v * 1000) : undefined);
	const out: ClientOptions = {};
	const read = ms(raw.readTimeout);
	const write = ms(raw.writeTimeout);
	if (read !== undefined) out.readTimeoutMs = read;
	if (write !== undefined) out.writeTimeoutMs = write;
	return out;
}

export async function getClient(ctx: CredentialCtx, options: ClientOptions = {}): Promise<MetakockaClient> {
	const raw = await ctx.getCredentials(METAKOCKA_CREDENTIAL);
	const credentials = metakockaCredentials(raw);
	const logger = ctx.logger;
	return new MetakockaClient(credentials, {
		// An explicit timeoutMs (tests, the reliability suite) wins over the credential's values.
		...(options.timeoutMs === undefined ? credentialTimeouts(raw) : {}),
		...options,
		// The client redacts before it logs; n8n's logger is only the sink.
		logger: {
			debug: (message, meta) => logger.debug(message, meta),
			warn: (message, meta) => logger.warn(message, meta),
		},
	});
}

/**
 * Opens the mapping store from n8n's built-in Postgres credential; the caller must close it. The
 * store is scoped to the Metakocka credential's host, so a test-host credential with the
 * production company id never reads or writes production mappings.
 */
export async function openStore(ctx: IExecuteFunctions | IPollFunctions, options: StoreOptions = {}): Promise<MappingStore> {
	const { baseUrl } = metakockaCredentials(await ctx.getCredentials(METAKOCKA_CREDENTIAL));
	const raw = await ctx.getCredentials(POSTGRES_CREDENTIAL);
	return await MappingStore.open(
		{
			host: String(raw.host ?? 'localhost'),
			port: Number(raw.port ?? 5432),
			database: String(raw.database ?? 'postgres'),
			user: String(raw.user ?? 'postgres'),
			password: raw.password === undefined ? undefined : String(raw.password),
			ssl: (raw.ssl as PostgresSslMode | undefined) ?? 'disable',
			allowUnauthorizedCerts: Boolean(raw.allowUnauthorizedCerts),
			maxConnections: raw.maxConnections ? Number(raw.maxConnections) : undefined,
		},
		// Last, so a node parameter can never point the store at another host's rows.
		{ ...options, metakockaHost: baseUrl },
	);
}
