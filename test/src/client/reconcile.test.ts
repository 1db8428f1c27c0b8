import nock from 'nock';
import { MetakockaError } from '../../../src/client';
import { writeWithReconcile } from '../../../src/client/reconcile';
import { auth, capturingLogger, connectionReset, failure, makeClient, mk, ok, SECRET } from './helpers';


const order = {
	doc_type: 'sales_order' as const,
	count_code: 'SO-2024-17',
	doc_date: '2024-03-05',
	partner: { customer: 'Kavarna d.o.o.', tax_id_number: 'SI12345678', post_number: '1000' },
	product_list: [{ code: 'art1', amount: 2, price: 10.5, tax: 'EX4' }],
};

/** put_document interceptor that "applies" the write but answers too late; counts every arrival. */
function slowPut(counter: { n: number }, times = 1) {
	return mk()
		.post('/rest/eshop/v1/put_document')
		.times(times)
		.delay(1200)
		.reply(() => {
			counter.n++;
			return [200, ok({ mk_id: '1600129491', count_code: 'SO-2024-17' })];
		});
}

// These tests race client timeouts (300 ms) against answers delayed 1.2 s: the first calls of a file run
// cold (module loading, JIT) and can blow a short budget on a loaded machine, so every path the
// tests use is warmed once first.
beforeAll(async () => {
	mk().post('/rest/eshop/v1/put_document').reply(200, ok({ mk_id: '1', count_code: 'w' }));
	mk().post('/rest/eshop/v1/search').reply(200, ok({ result_all_records: '0', result_count: '0', offset: '0', limit: '100', result: [] }));
	mk().post('/rest/eshop/v1/add_partner').reply(200, ok({ mk_id: '1' }));
	mk().post('/rest/eshop/v1/get_partner').reply(200, { opr_code: '2', opr_desc: 'Partner not found' });
	mk().post('/rest/eshop/v1/json/product_add').reply(200, ok({ mk_id: '1', count_code: 'w' }));
	mk().post('/rest/eshop/v1/json/product_list').reply(200, ok({ product_list_count: '0', product_list: [] }));
	const client = makeClient();
	await client.putDocument({ ...order, count_code: 'warm' });
	await client.search({ doc_type: 'sales_order', query: 'warm' });
	await client.addPartner({ customer: 'Warm', street: 'Ulica 1', post_number: '1000', place: 'Ljubljana', country: 'SI' } as never);
	await client.getPartners({ partner_id: '1' });
	await client.addProduct({ code: 'warm', name: 'Warm', unit: 'kos' });
	await client.listProducts({ code: 'warm' });
	nock.cleanAll();
});

describe('put_document', () => {
	it('times out after being applied: found by count_code via search, sent exactly once', async () => {
		const puts = { n: 0 };
		slowPut(puts, 3);
		const search = mk()
			.post('/rest/eshop/v1/search', {
				...auth,
				doc_type: 'sales_order',
				query: 'SO-2024-17',
				order_direction: 'desc',
				limit: '100',
				offset: '0',
			})
			.reply(200, ok({
				result_all_records: '2',
				result_count: '2',
				offset: '0',
				limit: '100',
				// A near miss first: only an exact count_code counts.
				result: [
					{ mk_id: '1600129999', opr_code: '0', count_code: 'SO-2024-170' },
					{ mk_id: '1600129491', opr_code: '0', count_code: 'SO-2024-17' },
				],
			}));
		const logger = capturingLogger();
		const res = await makeClient({ writeTimeoutMs: 50, readTimeoutMs: 5000, logger }).putDocument(order);
		expect(res).toEqual({ result: { mk_id: '1600129491', count_code: 'SO-2024-17' }, reconciled: true });
		expect(search.isDone()).toBe(true);
		await new Promise((r) => setTimeout(r, 1300));
		expect(puts.n).toBe(1);
		expect(logger.lines.some((l) => l.level === 'warn' && /not sending again/.test(l.message))).toBe(true);
		expect(logger.text()).not.toContain(SECRET);
	});

	it('lost answer, not found -> exactly one resend, which succeeds', async () => {
		const bodies: unknown[] = [];
		mk()
			.post('/rest/eshop/v1/put_document', (b) => bodies.push(b) > 0)
			.replyWithError(connectionReset())
			.post('/rest/eshop/v1/put_document', (b) => bodies.push(b) > 0)
			.reply(200, ok({ mk_id: '1600130000', count_code: 'SO-2024-17' }))
			.post('/rest/eshop/v1/put_document', (b) => bodies.push(b) > 0)
			.reply(200, ok({ mk_id: '1600130001', count_code: 'SO-2024-17' }));
		mk()
			.post('/rest/eshop/v1/search')
			.reply(200, ok({ result_all_records: '0', result_count: '0', offset: '0', limit: '100', result: [] }));
		const res = await makeClient().putDocument(order);
		expect(res).toEqual({ result: { mk_id: '1600130000', count_code: 'SO-2024-17' }, reconciled: false });
		expect(bodies).toHaveLength(2);
		expect(bodies[0]).toEqual(bodies[1]);
		expect(bodies[0]).toMatchObject({ ...auth, doc_date: '2024-03-05+02:00', product_list: [{ amount: '2', price: '10.5' }] });
	});

	it('resend lost too -> reconciles again and finds it', async () => {
		let puts = 0;
		mk()
			.post('/rest/eshop/v1/put_document')
			.times(2)
			.reply(() => {
				puts++;
				return [502, 'Bad Gateway'];
			});
		const empty = ok({ result_all_records: '0', result_count: '0', offset: '0', limit: '100', result: [] });
		const found = ok({ result_all_records: '1', result_count: '1', offset: '0', limit: '100', result: { mk_id: '7', count_code: 'SO-2024-17' } });
		mk().post('/rest/eshop/v1/search').reply(200, empty).post('/rest/eshop/v1/search').reply(200, found);
		const res = await makeClient().putDocument(order);
		expect(res).toEqual({ result: { mk_id: '7', count_code: 'SO-2024-17' }, reconciled: true });
		expect(puts).toBe(2);
	});

	it('a gateway timeout (504) and a miss -> OUTCOME_UNKNOWN after one send: Metakocka may still be working on it', async () => {
		let puts = 0;
		mk()
			.post('/rest/eshop/v1/put_document')
			.times(2)
			.reply(() => {
				puts++;
				return [504, 'Gateway Timeout'];
			});
		const empty = ok({ result_all_records: '0', result_count: '0', offset: '0', limit: '100', result: [] });
		mk().post('/rest/eshop/v1/search').reply(200, empty);
		const error = await failure(() => makeClient().putDocument(order));
		expect(error).toMatchObject({ code: 'OUTCOME_UNKNOWN', retryable: false });
		expect(puts).toBe(1);
	});

	it('lost twice and never found -> OUTCOME_UNKNOWN after exactly two sends', async () => {
		let puts = 0;
		mk()
			.post('/rest/eshop/v1/put_document')
			.times(3)
			.reply(() => {
				puts++;
				return [502, 'Bad Gateway'];
			});
		const empty = ok({ result_all_records: '0', result_count: '0', offset: '0', limit: '100', result: [] });
		mk().post('/rest/eshop/v1/search').times(2).reply(200, empty);
		const error = await failure(() => makeClient().putDocument(order));
		expect(error).toMatchObject({ code: 'OUTCOME_UNKNOWN', retryable: false });
		expect(puts).toBe(2);
	});

	it('no natural key -> OUTCOME_UNKNOWN, no lookup, no resend', async () => {
		let puts = 0;
		mk()
			.post('/rest/eshop/v1/put_document')
			.times(2)
			.delay(1200)
			.reply(() => {
				puts++;
				return [200, ok({ mk_id: '1' })];
			});
		const search = mk().post('/rest/eshop/v1/search').reply(200, ok({ result: [] }));
		const { count_code: _drop, ...noKey } = order;
		const error = await failure(() => makeClient({ writeTimeoutMs: 30, readTimeoutMs: 5000 }).putDocument(noKey));
		expect(error).toBeInstanceOf(MetakockaError);
		expect(error).toMatchObject({ code: 'OUTCOME_UNKNOWN', retryable: false, method: 'put_document' });
		expect(error.message).toMatch(/Check in Metakocka whether it was applied before re-running/);
		expect(error.message).toMatch(/no natural key/);
		expect(search.isDone()).toBe(false);
		await new Promise((r) => setTimeout(r, 1300));
		expect(puts).toBe(1);
	});

	it('an auto-numbering count_code (COUNT_CODE_SELECT#) is no key', async () => {
		mk().post('/rest/eshop/v1/put_document').replyWithError(connectionReset());
		const error = await failure(() => makeClient().putDocument({ ...order, count_code: 'COUNT_CODE_SELECT#I2022-' }));
		expect(error.code).toBe('OUTCOME_UNKNOWN');
	});

	it('sales_order without count_code reconciles by buyer_order via get_document', async () => {
		mk().post('/rest/eshop/v1/put_document').reply(500, { opr_desc: 'Internal error' });
		const get = mk()
			.post('/rest/eshop/v1/get_document', { ...auth, doc_type: 'sales_order', buyer_order: 'WEB-5662' })
			.reply(200, ok({ mk_id: '1600200001', doc_type: 'sales_order', count_code: 'N-44', buyer_order: 'WEB-5662', sum_all: '21,00' }));
		const { count_code: _drop, ...rest } = order;
		const res = await makeClient().putDocument({ ...rest, buyer_order: 'WEB-5662' });
		expect(res.reconciled).toBe(true);
		expect(res.result).toMatchObject({ mk_id: '1600200001', count_code: 'N-44' });
		expect(get.isDone()).toBe(true);
	});

	it('buyer_order lookup answering "Cannot find" counts as not found -> one resend', async () => {
		mk()
			.post('/rest/eshop/v1/put_document')
			.replyWithError(connectionReset())
			.post('/rest/eshop/v1/put_document')
			.reply(200, ok({ mk_id: '55', count_code: 'N-45' }));
		mk()
			.post('/rest/eshop/v1/get_document')
			.reply(200, { opr_code: '6', opr_desc: "Cannot find sales order with buyer order 'WEB-1'" });
		const { count_code: _drop, ...rest } = order;
		await expect(makeClient().putDocument({ ...rest, buyer_order: 'WEB-1' })).resolves.toEqual({
			result: { mk_id: '55', count_code: 'N-45' },
			reconciled: false,
		});
	});

	it('a failing lookup -> OUTCOME_UNKNOWN (never a blind resend)', async () => {
		let puts = 0;
		mk()
			.post('/rest/eshop/v1/put_document')
			.times(2)
			.reply(() => {
				puts++;
				return [503, 'x'];
			});
		mk().post('/rest/eshop/v1/search').times(10).reply(503, 'down');
		const error = await failure(() => makeClient({ maxRetries: 1 }).putDocument(order));
		expect(error.code).toBe('OUTCOME_UNKNOWN');
		expect(error.message).toMatch(/looking it up failed/);
		expect(puts).toBe(1);
	});

	it('a business error is not reconciled', async () => {
		const search = mk().post('/rest/eshop/v1/search').reply(200, ok({ result: [] }));
		mk().post('/rest/eshop/v1/put_document').reply(200, { opr_code: '8', opr_desc: 'Product art9 not found' });
		await expect(makeClient().putDocument(order)).rejects.toMatchObject({ code: '8' });
		expect(search.isDone()).toBe(false);
	});

	it('a replace (mk_id) is not reconciled: lost answer surfaces as non-retryable', async () => {
		const search = mk().post('/rest/eshop/v1/search').reply(200, ok({ result: [] }));
		let puts = 0;
		mk()
			.post('/rest/eshop/v1/put_document')
			.times(2)
			.reply(() => {
				puts++;
				return [503, 'x'];
			});
		const error = await failure(() => makeClient().putDocument({ ...order, mk_id: '1600129491' }));
		expect(error).toMatchObject({ code: 'HTTP_503', retryable: false });
		expect(error.message).toMatch(/may or may not have been applied/);
		expect(puts).toBe(1);
		expect(search.isDone()).toBe(false);
	});

	it('a 200 without mk_id is unclear -> reconciled', async () => {
		mk().post('/rest/eshop/v1/put_document').reply(200, ok({}));
		mk()
			.post('/rest/eshop/v1/search')
			.reply(200, ok({ result_all_records: '1', result_count: '1', result: [{ mk_id: '9', count_code: 'SO-2024-17' }] }));
		await expect(makeClient().putDocument(order)).resolves.toMatchObject({ result: { mk_id: '9' }, reconciled: true });
	});
});

describe('add_partner', () => {
	const partner = {
		customer: 'Kavarna d.o.o.',
		tax_id_number: 'SI12345678',
		street: 'Slovenska 1',
		post_number: '1000',
		place: 'Ljubljana',
		country: 'SI',
		partner_contact: { name: 'Ana', email: 'ana@kavarna.si' },
	};

	it('connection drops: found via get_partner by tax number, add sent once', async () => {
		let adds = 0;
		mk()
			.post('/rest/eshop/v1/add_partner', (b) => {
				adds++;
				return b.partner.customer === 'Kavarna d.o.o.';
			})
			.replyWithError(connectionReset());
		const lookup = mk()
			.post('/rest/eshop/v1/get_partner', { ...auth, partner_tax_number: 'SI12345678' })
			.reply(200, {
				partner_list_count: '1',
				partner_list: {
					mk_id: '228000046627',
					customer: 'Kavarna d.o.o.',
					count_code: '140',
					tax_id_number: '12345678',
					partner_contact_list: { mk_id: '228000046630', mk_address_id: '228000046628', email: 'ana@kavarna.si' },
					partner_delivery_address_list: [{ mk_id: '228000046628', address_type: 'Račun', street: 'Slovenska 1', post_number: '1000' }],
				},
			});
		const res = await makeClient().addPartner(partner);
		expect(res.reconciled).toBe(true);
		expect(res.result).toMatchObject({
			mk_id: '228000046627',
			mk_contact_id: '228000046630',
			count_code: '140',
			mk_address_id_list: [{ mk_id: '228000046628', street: 'Slovenska 1' }],
		});
		expect(lookup.isDone()).toBe(true);
		expect(adds).toBe(1);
	});

	it('falls back to e-mail, then name + post number; not found -> one resend', async () => {
		const adds: unknown[] = [];
		mk()
			.post('/rest/eshop/v1/add_partner', (b) => adds.push(b) > 0)
			.replyWithError(connectionReset())
			.post('/rest/eshop/v1/add_partner', (b) => adds.push(b) > 0)
			.reply(200, { mk_id: '228000050000', mk_contact_id: '228000050003', mk_address_id_list: { mk_id: '228000050001', street: 'Slovenska 1' } });
		const calls: string[] = [];
		mk()
			.post('/rest/eshop/v1/get_partner', { ...auth, partner_tax_number: 'SI12345678' })
			.reply(200, () => (calls.push('tax'), { opr_code: '2', opr_desc: 'Partner not found' }))
			// same e-mail, different company: must not match
			.post('/rest/eshop/v1/get_partner', { ...auth, partner_email: 'ana@kavarna.si' })
			.reply(200, () => (calls.push('email'), { partner_list: [{ mk_id: '1', customer: 'Other Ltd' }] }))
			// same name, other town: must not match
			.post('/rest/eshop/v1/get_partner', { ...auth, partner_name: 'Kavarna d.o.o.' })
			.reply(200, () => (calls.push('name'), { partner_list: [{ mk_id: '2', customer: 'Kavarna d.o.o.', post_number: '2000' }] }));
		const res = await makeClient().addPartner(partner);
		expect(calls).toEqual(['tax', 'email', 'name']);
		expect(res).toEqual({
			result: { mk_id: '228000050000', mk_contact_id: '228000050003', mk_address_id_list: [{ mk_id: '228000050001', street: 'Slovenska 1' }] },
			reconciled: false,
		});
		expect(adds).toHaveLength(2);
	});

	it('timed out and not found yet -> OUTCOME_UNKNOWN, never sent again (the late write would be a second partner)', async () => {
		let adds = 0;
		mk()
			.post('/rest/eshop/v1/add_partner')
			.times(2)
			.delay(1200)
			.reply(() => {
				adds++;
				return [200, { mk_id: 'late' }];
			});
		mk().post('/rest/eshop/v1/get_partner').times(3).reply(200, { opr_code: '2', opr_desc: 'Partner not found' });
		const error = await failure(() => makeClient({ writeTimeoutMs: 40, readTimeoutMs: 5000 }).addPartner(partner));
		expect(error).toMatchObject({ code: 'OUTCOME_UNKNOWN', retryable: false, method: 'add_partner' });
		expect(error.message).toMatch(/did not answer in time .* it may still be applied, so it was not sent again/);
		await new Promise((r) => setTimeout(r, 1300));
		expect(adds).toBe(1);
	});

	it('matches by name + post number on the address list', async () => {
		mk().post('/rest/eshop/v1/add_partner').reply(502, 'Bad Gateway');
		mk()
			.post('/rest/eshop/v1/get_partner', { ...auth, partner_name: 'Mlin' })
			.reply(200, {
				partner_list: [
					{ mk_id: '10', customer: 'MLIN ', partner_delivery_address_list: [{ post_number: '2000' }] },
					{ mk_id: '11', customer: 'Mlin', partner_delivery_address_list: [{ post_number: '1000' }] },
				],
			});
		const res = await makeClient().addPartner({ customer: 'Mlin', post_number: '1000', street: 'X 1', place: 'Ljubljana', country: 'SI' });
		expect(res).toMatchObject({ result: { mk_id: '11' }, reconciled: true });
	});

	it('a partner without the address add_partner expects is refused before anything is sent (so it always has a reconcile key)', async () => {
		const error = await failure(() => makeClient().addPartner({ customer: 'Nameless' }));
		expect(error).toMatchObject({ code: 'INVALID_INPUT', retryable: false });
		expect(error.message).toMatch(/partner\.street, partner\.post_number, partner\.place, partner\.country/);
	});
});

describe('product_add', () => {
	it('timeout after apply: found by count_code + code', async () => {
		let adds = 0;
		mk()
			.post('/rest/eshop/v1/json/product_add')
			.delay(1200)
			.reply(() => {
				adds++;
				return [200, ok({ mk_id: '1600001744', count_code: 'eshop_002' })];
			});
		mk()
			.post('/rest/eshop/v1/json/product_list', { ...auth, count_code: 'eshop_002', limit: '1000', offset: '0' })
			.reply(200, ok({ count_code: 'eshop_002', product_list_count: '1', product_list: { mk_id: '1600001744', count_code: 'eshop_002', code: 'art400' } }));
		const res = await makeClient({ writeTimeoutMs: 30, readTimeoutMs: 5000 }).addProduct({ count_code: 'eshop_002', code: 'art400', name: 'Čaj', unit: 'kos' });
		expect(res).toEqual({ result: { mk_id: '1600001744', count_code: 'eshop_002' }, reconciled: true });
		await new Promise((r) => setTimeout(r, 1300));
		expect(adds).toBe(1);
	});

	it('without count_code looks up by code', async () => {
		mk().post('/rest/eshop/v1/json/product_add').replyWithError(connectionReset());
		mk()
			.post('/rest/eshop/v1/json/product_list', { ...auth, code: 'art400', limit: '1000', offset: '0' })
			.reply(200, ok({ product_list_count: '1', product_list: [{ mk_id: '5', count_code: 'P5', code: 'art400' }] }));
		await expect(makeClient().addProduct({ code: 'art400', name: 'Čaj', unit: 'kos' })).resolves.toEqual({
			result: { mk_id: '5', count_code: 'P5' },
			reconciled: true,
		});
	});
});

describe('writeWithReconcile', () => {
	const lost = () =>
		new MetakockaError({ code: 'NETWORK', description: 'ECONNRESET', method: 'm', retryable: false, delivery: 'unknown' });
	const timedOut = () =>
		new MetakockaError({ code: 'TIMEOUT', description: 't', method: 'm', retryable: false, delivery: 'unknown' });

	it('does not look up after a definite answer', async () => {
		const lookup = jest.fn();
		const rejected = new MetakockaError({ code: '2', description: 'bad', method: 'm', retryable: false });
		await expect(writeWithReconcile({ method: 'm', what: 'x', send: () => Promise.reject(rejected), lookup })).rejects.toBe(rejected);
		expect(lookup).not.toHaveBeenCalled();
	});

	it('pauses before each lookup', async () => {
		const events: string[] = [];
		const send = jest.fn().mockRejectedValueOnce(lost()).mockResolvedValueOnce('second');
		const res = await writeWithReconcile({
			method: 'm',
			what: 'x',
			send,
			lookup: async () => (events.push('lookup'), null),
			pause: async () => void events.push('pause'),
		});
		expect(res).toEqual({ result: 'second', reconciled: false });
		expect(events).toEqual(['pause', 'lookup']);
		expect(send).toHaveBeenCalledTimes(2);
	});

	it('after a timeout a miss is OUTCOME_UNKNOWN and nothing is sent again; a hit is reconciled', async () => {
		const send = jest.fn().mockRejectedValue(timedOut());
		await expect(writeWithReconcile({ method: 'm', what: 'x', send, lookup: async () => null })).rejects.toMatchObject({
			code: 'OUTCOME_UNKNOWN',
			retryable: false,
		});
		expect(send).toHaveBeenCalledTimes(1);
		const found = await writeWithReconcile({ method: 'm', what: 'x', send, lookup: async () => 'there' });
		expect(found).toEqual({ result: 'there', reconciled: true });
	});
});
