// send_message / get_message (/rest/eshop/, no v1) [DOC:send_message.md, get_message.md]. Nothing is sent.
import type { Company } from './model';
import { asArray, fail, formatTs, ok, type Obj, str, stringify, text } from './wire';

export function sendMessage(c: Company, body: Obj): Obj {
	const list = asArray(body.message_list);
	// Documented Slovene error text ("message_list is required").
	if (!list.length) return fail('2', 'Polje message_list je obvezno.');
	const out = list.map((m) => {
		const to = Array.isArray(m.email_to_list) ? m.email_to_list : [];
		const missing = !text(m.email_from) ? 'email_from' : !to.length ? 'email_to_list' : !text(m.email_subject) ? 'email_subject' : undefined;
		const base: Obj = { sender_message_id: str(m.sender_message_id) };
		// Item-level errors sit under opr_code "0" [DOC].
		if (missing || text(m.type) !== 'email') {
			return stringify({ ...base, status: 'error', error_desc: missing ? `${missing} is required` : 'Unsupported type' }) as Obj;
		}
		const mkId = c.ids.id();
		c.messages.push({ mk_id: mkId, ...(stringify(m) as Obj), created_ts: formatTs(Date.now()) });
		c.touch();
		// An unverified sender domain still says ok [DOC].
		return stringify({ mk_id: mkId, ...base, status: 'ok' }) as Obj;
	});
	return ok({ message_list: out });
}

export function getMessage(c: Company, body: Obj): Obj {
	if (!text(body.type)) return fail('2', 'Type parameter must be set.');
	const docId = text(body.doc_id);
	const list = c.messages.filter((m) => !docId || str(m.doc_id) === docId);
	return ok({ message_list: list });
}
