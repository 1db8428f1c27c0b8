import {
	NodeConnectionTypes,
	type ICredentialsDisplayOptions,
	type INodeCredentialDescription,
	type INodeProperties,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { METAKOCKA_CREDENTIAL, OPENAI_CREDENTIAL, POSTGRES_CREDENTIAL, registerParameters } from '../../src';

// The shell every Metakocka node shares: icon, credentials, versions. A node file says only what is
// its own (names, properties, when it needs Postgres).

const ICON = { light: 'file:../shared/metakocka.svg', dark: 'file:../shared/metakocka.dark.svg' } as const;

/**
 * Mappings, templates and email links live in the user's own Postgres, reached through n8n's
 * built-in Postgres credential by design (docs/credentials.md); `displayOptions` says which
 * operations need it.
 */
function postgresCredential(displayOptions: ICredentialsDisplayOptions): INodeCredentialDescription {
	return { name: POSTGRES_CREDENTIAL, required: true, displayOptions };
}

/** Drafting replies uses n8n's built-in OpenAI credential, so users keep one key in one place. */
export function openAiCredential(displayOptions: ICredentialsDisplayOptions): INodeCredentialDescription {
	return { name: OPENAI_CREDENTIAL, required: true, displayOptions };
}

export interface ActionNodeSpec {
	displayName: string;
	/** description.name, e.g. metakockaContact */
	name: string;
	description: string;
	subtitle: string;
	properties: INodeProperties[];
	/** When the node needs the Postgres credential (omit: never). */
	postgres?: ICredentialsDisplayOptions;
	/** Further credentials (e.g. openAiCredential(...)). */
	credentials?: INodeCredentialDescription[];
}

/**
 * Version 1 keeps the output shapes of release 0.1 for existing workflows; version 2 (the default
 * for new nodes) has the consistent ones: snake_case Metakocka names, the same keys on every Sync
 * item, error items n8n's error output recognises by their keys as well, Simplify on large reads
 * (docs/output.md).
 */
export const ACTION_NODE_VERSIONS = [1, 2];

export function actionNode(spec: ActionNodeSpec): INodeTypeDescription {
	// Error messages name parameters as the editor shows them (src/n8n/labels.ts).
	registerParameters(spec.name, spec.properties);
	return {
		displayName: spec.displayName,
		name: spec.name,
		icon: ICON,
		group: ['transform'],
		version: ACTION_NODE_VERSIONS,
		defaultVersion: 2,
		subtitle: spec.subtitle,
		description: spec.description,
		defaults: { name: spec.displayName },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{ name: METAKOCKA_CREDENTIAL, required: true },
			...(spec.postgres ? [postgresCredential(spec.postgres)] : []),
			...(spec.credentials ?? []),
		],
		properties: spec.properties,
	};
}

export interface TriggerNodeSpec {
	displayName: string;
	name: string;
	description: string;
	subtitle: string;
	/** Whether the trigger calls Metakocka (the webhook trigger only receives). */
	metakockaCredential?: boolean;
}

/**
 * The shell of a trigger (no input, one output); the node adds its properties and polling or
 * webhooks. Their output shape did not change, so triggers stay at version 1.
 */
export function triggerNode(spec: TriggerNodeSpec): Omit<INodeTypeDescription, 'properties'> {
	return {
		displayName: spec.displayName,
		name: spec.name,
		icon: ICON,
		group: ['trigger'],
		version: 1,
		subtitle: spec.subtitle,
		description: spec.description,
		defaults: { name: spec.displayName },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		...(spec.metakockaCredential === false ? {} : { credentials: [{ name: METAKOCKA_CREDENTIAL, required: true }] }),
	};
}
