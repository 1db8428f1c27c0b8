import type { IExecuteFunctions, INodeProperties, INodePropertyCollection } from 'n8n-workflow';

// Error messages name a parameter as the editor shows it ("Document Date"), not by the core's field
// path ("doc_date", "lines.0.tax"). The node shell registers each node's parameters here once.

type Property = INodeProperties | INodePropertyCollection;

/** node name (description.name) → its parameters, top level and nested. */
const registry = new Map<string, INodeProperties[]>();

export function registerParameters(nodeName: string, properties: INodeProperties[]): void {
	registry.set(nodeName, properties);
}

const camel = (name: string) => name.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

function showsFor(property: INodeProperties, operation: string | undefined): boolean {
	const operations = property.displayOptions?.show?.operation as unknown[] | undefined;
	return !operation || !operations || operations.includes(operation);
}

/** The displayName of the parameter (or collection field) called `name`, preferring the current operation's. */
function displayNameOf(properties: Property[], name: string, operation: string | undefined): string | undefined {
	const candidates = [name, camel(name)];
	let nested: string | undefined;
	for (const property of properties) {
		const isTop = 'type' in property;
		if (isTop && !showsFor(property, operation)) continue;
		if (isTop && property.type === 'notice') continue;
		if (candidates.includes(property.name)) return property.displayName;
		const children = (property as INodeProperties).options ?? (property as INodePropertyCollection).values;
		if (Array.isArray(children) && children.length && typeof children[0] === 'object' && 'displayName' in children[0]) {
			nested ??= displayNameOf(children as Property[], name, operation);
		}
	}
	return nested;
}

/** Where a list's entry is named by its position: "lines.0.tax" → "Tax Code on line 1". */
const LIST_ENTRIES: Record<string, string> = { lines: 'line', product_list: 'line', product_add: 'line', partner_contact_list: 'contact' };

function operationOf(ctx: IExecuteFunctions): string | undefined {
	try {
		return String(ctx.getNodeParameter('operation', 0));
	} catch {
		return undefined;
	}
}

function registered(ctx: IExecuteFunctions): INodeProperties[] {
	const type = String(ctx.getNode()?.type ?? '');
	return registry.get(type.slice(type.lastIndexOf('.') + 1)) ?? [];
}

/**
 * The editor's name for a core field path, e.g. "Document Date" for doc_date or "Tax Code on line 1"
 * for lines.0.tax; a path no parameter shows stays as it is, in quotes.
 */
export function parameterLabel(ctx: IExecuteFunctions, field: string): string {
	const properties = registered(ctx);
	const operation = operationOf(ctx);
	const parts = field.split('.');
	let position = '';
	for (let i = 0; i < parts.length - 1; i++) {
		const entry = LIST_ENTRIES[parts[i]];
		if (entry && /^\d+$/.test(parts[i + 1])) position = ` on ${entry} ${Number(parts[i + 1]) + 1}`;
	}
	const names = parts.filter((p) => !/^\d+$/.test(p)).reverse();
	for (const name of names) {
		const label = displayNameOf(properties, name, operation);
		if (label) return `"${label}"${position}`;
	}
	return `"${field}"`;
}
