import {
	NodeConnectionTypes,
	type ICredentialsDisplayOptions,
	type INodeCredentialDescription,
	type INodeProperties,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { METAKOCKA_CREDENTIAL, OPENAI_CREDENTIAL, POSTGRES_CREDENTIAL, registerParameters } from '../../src';

// The shell every Metakocka node shares: credentials, versions, inputs and outputs. A node file says
// only what is its own (names, properties, when it needs Postgres), plus the icon, subtitle and
// usableAsTool, which n8n's community checks (icon-validation, require-node-description-fields,
// node-usable-as-tool) read from the class's own description literal.

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

export function actionNode(spec: ActionNodeSpec): Omit<INodeTypeDescription, 'icon' | 'subtitle' | 'usableAsTool'> {
	// Error messages name parameters as the editor shows them (src/n8n/labels.ts).
	registerParameters(spec.name, spec.properties);
	const credentials: INodeCredentialDescription[] = [{ name: METAKOCKA_CREDENTIAL, required: true }];
	if (spec.postgres) credentials.push(postgresCredential(spec.postgres));
	credentials.push(...(spec.credentials ?? []));
	return {
		displayName: spec.displayName,
		name: spec.name,
		group: ['transform'],
		version: ACTION_NODE_VERSIONS,
		defaultVersion: 2,
		description: spec.description,
		defaults: { name: spec.displayName },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials,
		properties: spec.properties,
	};
}

export interface TriggerNodeSpec {
	displayName: string;
	name: string;
	description: string;
	/** Whether the trigger calls Metakocka (the webhook trigger only receives). */
	metakockaCredential?: boolean;
}

/**
 * The shell of a trigger (no input, one output); the node adds its properties and polling or
 * webhooks. Their output shape did not change, so triggers stay at version 1.
 */
export function triggerNode(spec: TriggerNodeSpec): Omit<INodeTypeDescription, 'properties' | 'icon' | 'subtitle'> {
	const credentials: INodeCredentialDescription[] = spec.metakockaCredential === false ? [] : [{ name: METAKOCKA_CREDENTIAL, required: true }];
	return {
		displayName: spec.displayName,
		name: spec.name,
		group: ['trigger'],
		version: 1,
		description: spec.description,
		defaults: { name: spec.displayName },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		...(credentials.length ? { credentials } : {}),
	};
}
