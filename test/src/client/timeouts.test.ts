// Finding 10: writes get a timeout that outlasts Metakocka's slow paths (about 48 s), reads a shorter
// one; a write that is slow after being applied is answered, not resent. The sandbox's slow_answer
// fault applies the call at once and holds its answer (scaled down here: 1.2 s against 0.5 s / 5 s).
import { DEFAULT_READ_TIMEOUT_MS, DEFAULT_WRITE_TIMEOUT_MS, MetakockaClient } from '../../../src/client';
import { credentialTimeouts } from '../../../src/n8n/context';
import { startSandbox, type Sandbox } from '../../../src/sandbox';

let sb: Sandbox;
beforeAll(async () => {
	sb = await startSandbox({ secretKey: 'slow-secret' });
});
afterAll(async () => sb.close());

const client = (options = {}) =>
	new MetakockaClient({ companyId: '16', secretKey: 'slow-secret', baseUrl: sb.baseUrl }, { retryBaseDelayMs: 1, reconcileDelayMs: 0, ...options });

const partner = { customer: 'Počasni d.o.o.', street: 'Počasna 1', post_number: '1000', place: 'Ljubljana', country: 'SI' };

it('defaults: 120 s for writes, 30 s for reads', () => {
	expect([DEFAULT_WRITE_TIMEOUT_MS, DEFAULT_READ_TIMEOUT_MS]).toEqual([120_000, 30_000]);
});

it('a write answered slowly after it was applied is waited for (one add_partner), while a read that slow times out', async () => {
	const c = client({ readTimeoutMs: 500, writeTimeoutMs: 5000, maxRetries: 0 });
	sb.resetCounters();
	sb.injectFault({ method: 'add_partner', kind: 'slow_answer', delayMs: 1200 });
	const added = await c.addPartner(partner);
	expect(added.reconciled).toBe(false);
	expect(sb.counters().add_partner).toBe(1);
	expect(sb.counters().get_partner ?? 0).toBe(0);

	sb.injectFault({ method: 'get_partner', kind: 'slow_answer', delayMs: 1200 });
	await expect(c.getPartners({ partner_id: added.result.mk_id })).rejects.toMatchObject({ code: 'TIMEOUT', description: expect.stringMatching(/within 500 ms/) });
});

it('a write that outlasts even the write timeout is reconciled (found), never sent twice', async () => {
	const c = client({ readTimeoutMs: 2000, writeTimeoutMs: 300 });
	sb.resetCounters();
	sb.injectFault({ method: 'add_partner', kind: 'slow_answer', delayMs: 800 });
	const added = await c.addPartner({ ...partner, customer: 'Prepočasni d.o.o.', tax_id_number: 'SI66778899' });
	expect(added.reconciled).toBe(true);
	expect(sb.counters().add_partner).toBe(1);
});

it('the credential\'s timeouts (seconds) become the client\'s', () => {
	expect(credentialTimeouts({ writeTimeout: 90, readTimeout: 20 })).toEqual({ writeTimeoutMs: 90_000, readTimeoutMs: 20_000 });
	expect(credentialTimeouts({ writeTimeout: '', readTimeout: 0 })).toEqual({});
});
