// Deterministic benchmark data: CRM contacts, a sandbox seed with sales orders, and emails.
// The same generator feeds the package's workflow and the baseline, so both get identical input.
'use strict';

/** mulberry32: a small seeded PRNG, so every run generates the same data. */
function rng(seed) {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

const FIRST = ['Janez', 'Maja', 'Ana', 'Peter', 'Marko', 'Nina', 'Luka', 'Eva', 'Tomaž', 'Mojca', 'Gregor', 'Petra'];
const LAST = ['Novak', 'Horvat', 'Kranjc', 'Zupan', 'Potočnik', 'Kovač', 'Mlakar', 'Vidmar', 'Golob', 'Turk'];
const TRADES = ['Kovinarstvo', 'Pekarna', 'Mizarstvo', 'Elektro', 'Gradbeništvo', 'Trgovina', 'Avtoservis', 'Vrtnarstvo'];
const CITIES = [
	['1000', 'Ljubljana'],
	['2000', 'Maribor'],
	['3000', 'Celje'],
	['4000', 'Kranj'],
	['6000', 'Koper'],
	['8000', 'Novo mesto'],
];

const pad = (n, width = 5) => String(n).padStart(width, '0');

/**
 * CRM contacts as a CRM exports them (the Contact node's default field names): 60 % companies with
 * a tax number, everyone with a unique email, phone and address. `prefix` and `seed` give another set
 * (the warm-up's).
 */
function contacts(count, { prefix = 'crm-c-', seed = 20260901 } = {}) {
	const r = rng(seed);
	const out = [];
	for (let i = 1; i <= count; i++) {
		const company = r() < 0.6;
		const first = FIRST[Math.floor(r() * FIRST.length)];
		const last = LAST[Math.floor(r() * LAST.length)];
		const [postCode, city] = CITIES[Math.floor(r() * CITIES.length)];
		const name = company ? `${TRADES[Math.floor(r() * TRADES.length)]} ${last} ${pad(i)} d.o.o.` : `${first} ${last} ${pad(i)}`;
		const contact = {
			id: `${prefix}${pad(i)}`,
			name,
			email: `${company ? 'info' : first.toLowerCase().replace(/[^a-z]/g, '')}.${pad(i)}@${company ? `podjetje-${pad(i)}` : 'mail'}.si`,
			phone: `041 ${pad(100 + ((i * 37) % 900), 3)} ${pad(i % 1000, 3)}`,
			street: `${LAST[i % LAST.length]}ova ulica ${1 + (i % 120)}`,
			postCode,
			city,
			country: 'Slovenia',
			isCompany: company,
		};
		if (company) contact.taxNumber = `SI${70000000 + i}`;
		out.push(contact);
	}
	return out;
}

/** The partner a contact becomes, in the sandbox's state shape, for comparing two runs' results. */
function partnerKey(p) {
	const contacts = (p.partner_contact_list ?? [])
		.map((c) => `${c.email ?? ''}|${c.phone ?? ''}|${c.gsm ?? ''}|${c.name ?? ''}`)
		.sort()
		.join(';');
	const main = (p.partner_delivery_address_list ?? [])[0] ?? {};
	return [p.customer, p.tax_id_number ?? '', p.business_entity, main.street ?? '', main.post_number ?? '', main.city ?? '', main.country ?? '', contacts].join('|');
}

const PRODUCTS = [
	{ count_code: 'BA-1', code: 'BENCH-VIJ-M8', name: 'Vijak M8x50', unit: 'kos', sales: 'true', purchasing: 'true', activated: 'true' },
	{ count_code: 'BA-2', code: 'BENCH-MAT-M8', name: 'Matica M8', unit: 'kos', sales: 'true', purchasing: 'true', activated: 'true' },
	{ count_code: 'BA-3', code: 'BENCH-POD-M8', name: 'Podložka M8', unit: 'kos', sales: 'true', purchasing: 'true', activated: 'true' },
];
const WAREHOUSES = [{ mark: 'GL', name: 'Glavno skladišče', main_warehouse: 'true', include_in_stock_info: 'true' }];

function seedPartner(i) {
	return {
		count_code: `B${pad(i)}`,
		business_entity: 'true',
		taxpayer: 'true',
		buyer: 'true',
		tax_id_number: `SI${80000000 + i}`,
		customer: `Stranka ${pad(i)} d.o.o.`,
		street: `Industrijska cesta ${i}`,
		post_number: '1000',
		place: 'Ljubljana',
		country: 'Slovenia',
		partner_contact: { name: `Nabava ${pad(i)}`, email: `nabava@stranka-${pad(i)}.si` },
	};
}

function seedOrder(i, partners, r) {
	const lines = 1 + Math.floor(r() * 3);
	return {
		doc_type: 'sales_order',
		count_code: `PP-${20000 + i}`,
		buyer_order: `NAR-${pad(i, 6)}`,
		doc_date: '2026-08-03+02:00',
		created_ts: '2026-08-03T08:00:00+02:00',
		title: `Naročilo ${pad(i)}`,
		partner: { count_code: `B${pad(1 + (i % partners))}` },
		product_list: Array.from({ length: lines }, (_, l) => ({
			code: PRODUCTS[l].code,
			amount: String(1 + Math.floor(r() * 100)),
			price: (0.05 + r() * 2).toFixed(2),
			tax: 'EX4',
		})),
	};
}

/** A sandbox seed (reset body) with `partners` partners and `orders` sales orders PP-20001… and nothing else. */
function seed({ partners = 200, orders = 10000, seedValue = 20260902 } = {}) {
	const r = rng(seedValue);
	return {
		warehouses: WAREHOUSES,
		products: PRODUCTS,
		partners: Array.from({ length: partners }, (_, i) => seedPartner(i + 1)),
		documents: Array.from({ length: orders }, (_, i) => seedOrder(i + 1, partners, r)),
	};
}

/**
 * Emails as n8n's Email Trigger (IMAP, simple format) emits them: from one of `senders` seeded
 * partners (a few send most of the mail), each about one or two of `documents` seeded sales orders
 * (some mentioned again and again). Returns the items and what each one refers to.
 */
function emails(count, { senders = 150, documents = 300, partners = 200, seedValue = 20260903 } = {}) {
	const r = rng(seedValue);
	// Skewed choice: low indexes come up far more often, like real correspondence.
	const skewed = (n) => 1 + Math.floor(Math.pow(r(), 2) * n);
	const items = [];
	const expected = [];
	for (let i = 1; i <= count; i++) {
		const sender = skewed(senders);
		const docs = [skewed(documents)];
		if (r() < 0.3) docs.push(skewed(documents));
		const codes = [...new Set(docs)].map((d) => `PP-${20000 + d}`);
		const messageId = `<bench-${pad(i, 6)}@mail.stranka-${pad(sender)}.si>`;
		const text = [
			'Pozdravljeni,',
			'',
			`glede naročila ${codes[0]} vas prosimo za potrditev roka dobave.`,
			codes[1] ? `Prosimo tudi za stanje naročila ${codes[1]}.` : 'Hvala za hiter odgovor.',
			'',
			'Lep pozdrav,',
			`Nabava ${pad(sender)}`,
			`Stranka ${pad(sender)} d.o.o.`,
		].join('\r\n');
		items.push({
			from: `Nabava ${pad(sender)} <nabava@stranka-${pad(sender)}.si>`,
			to: 'Prodaja <prodaja@firma.si>',
			subject: `Vprašanje o naročilu ${codes[0]}`,
			textPlain: text,
			date: 'Tue, 01 Sep 2026 09:12:45 +0200',
			metadata: { 'message-id': messageId },
		});
		expected.push({ messageId, sender, partnerEmail: `nabava@stranka-${pad(sender)}.si`, documents: codes });
		if (sender > partners) throw new Error('more senders than seeded partners');
	}
	return { items, expected };
}

module.exports = { rng, contacts, partnerKey, seed, emails, PRODUCTS };
