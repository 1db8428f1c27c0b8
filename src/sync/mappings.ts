import type { Mapping, MappingRepository } from '../store';

/** Mappings as output items: pages through the store so "Return All" is not capped by one page. */
export async function listMappings(
	repo: MappingRepository,
	companyId: string,
	opts: { crmIds?: string[]; limit?: number },
): Promise<Array<Omit<Mapping, 'createdAt' | 'updatedAt'> & { createdAt: string; updatedAt: string }>> {
	const page = 1000;
	const out: Mapping[] = [];
	for (let offset = 0; ; offset += page) {
		const want = opts.limit === undefined ? page : Math.min(page, opts.limit - out.length);
		if (want <= 0) break;
		const rows = await repo.list(companyId, { crmIds: opts.crmIds, limit: want, offset });
		out.push(...rows);
		if (rows.length < want) break;
	}
	return out.map((m) => ({ ...m, createdAt: m.createdAt.toISOString(), updatedAt: m.updatedAt.toISOString() }));
}
