// report [DOC:report_concept.md, report_async.md]: raw file bytes on success, a JSON envelope on error.
import { randomUUID } from 'node:crypto';
import { renderDoc } from './documents';
import type { Company } from './model';
import { asArray, ascii, fail, ok, type Obj, str, text } from './wire';

export interface RawReply {
	raw: Buffer;
	contentType: string;
}

export const isRaw = (r: Obj | RawReply): r is RawReply => Buffer.isBuffer((r as RawReply).raw);

const REPORT_TYPES = ['PDF', 'XLS', 'CSV', 'XML', 'HTM', 'JSN', 'POI', 'ESL'];

/** A small but valid single-page PDF (correct xref offsets) showing the given lines; the printout's content is [INF]. */
export function makePdf(lines: string[]): Buffer {
	const esc = (s: string): string => ascii(s).replace(/([\\()])/g, '\\$1');
	const content = ['BT', '/F1 12 Tf', '50 800 Td', '16 TL', ...lines.map((l) => `(${esc(l)}) Tj T*`), 'ET'].join('\n');
	const objects = [
		'<< /Type /Catalog /Pages 2 0 R >>',
		'<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
		'<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>',
		'<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
		`<< /Length ${Buffer.byteLength(content, 'latin1')} >>\nstream\n${content}\nendstream`,
	];
	let pdf = '%PDF-1.4\n';
	const offsets: number[] = [];
	objects.forEach((o, i) => {
		offsets.push(Buffer.byteLength(pdf, 'latin1'));
		pdf += `${i + 1} 0 obj\n${o}\nendobj\n`;
	});
	const xref = Buffer.byteLength(pdf, 'latin1');
	pdf += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
	for (const off of offsets) pdf += `${String(off).padStart(10, '0')} 00000 n \n`;
	pdf += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
	return Buffer.from(pdf, 'latin1');
}

function buildFile(c: Company, body: Obj): RawReply | Obj {
	const params = asArray(body.params);
	const type = (text(params.find((p) => p.type === 'REPORT_TYPE')?.value) ?? 'PDF').toUpperCase();
	if (!REPORT_TYPES.includes(type)) {
		return fail('2', `Paramether 'REPORT_TYPE' has invalid value : ${type}. Valid values : ${REPORT_TYPES.join(',')}`);
	}
	const reportId = text(body.report_id);
	if (!reportId) return fail('6', 'report_id is required');
	const mkId = text(body.mk_id);
	const lines = [`Metakocka sandbox report ${reportId}`, `Company ${c.companyId}`];
	if (mkId) {
		const doc = c.docs.find((d) => d.mk_id === mkId);
		if (!doc) return fail('6', `Cannot find document with id = ${mkId}`);
		const r = renderDoc(c, doc);
		const partner = r.partner as Obj | undefined;
		lines.push(
			`${doc.doc_type} ${doc.count_code}`,
			`Date: ${doc.doc_date.slice(0, 10)}`,
			`Partner: ${str(partner?.customer) ?? '-'}`,
			`Total: ${str(r.sum_all) ?? '0'} ${str(doc.head.currency_code) ?? 'EUR'}`,
		);
	}
	switch (type) {
		case 'PDF':
			return { raw: makePdf(lines), contentType: 'application/pdf' };
		case 'HTM':
			return { raw: Buffer.from(`<html><body>${lines.map((l) => `<p>${l}</p>`).join('')}</body></html>`), contentType: 'text/html;charset=UTF-8' };
		case 'XML':
		case 'ESL':
			return { raw: Buffer.from(`<?xml version="1.0" encoding="UTF-8"?><report>${lines.map((l) => `<line>${l.replace(/[<&]/g, '')}</line>`).join('')}</report>`), contentType: 'application/xml' };
		default:
			// JSN must not be served as application/json: that content type means "error envelope" [DOC].
			return { raw: Buffer.from(lines.join('\n')), contentType: type === 'CSV' ? 'text/csv' : 'application/octet-stream' };
	}
}

/**
 * Async flow: `async:"true"` → token; polling with the token answers `progress`, then the download
 * `url` (no progress) [DOC:report_async.md]; `progress` exactly once is [INF]. The URL is served by this sandbox.
 * Any report_id prints any document [INF]: which template fits which doc_type is the package's check
 * (38 = bill report [DOC:report_concept.md], 37 = offer [OBS time-4-action/t4a-admin lib/metakocka.ts]).
 */
export function report(c: Company, body: Obj, baseUrl: string): RawReply | Obj {
	const token = text(body.token);
	if (token) {
		const job = c.reports.get(token);
		if (!job) return fail('6', 'Report with this token does not exist.');
		job.polls++;
		if (job.polls === 1) return ok({ opr_time_no_lock_ms: '0', token, progress: 'Priprava podatkov za poročilo 1 / 2' });
		return ok({ opr_time_no_lock_ms: '0', token, url: `${baseUrl}/download/report/${token}` });
	}
	const file = buildFile(c, body);
	if (!isRaw(file)) return file;
	if (str(body.async) === 'true') {
		const t = randomUUID();
		c.reports.set(t, { token: t, polls: 0, file: { data: file.raw, contentType: file.contentType } });
		return ok({ opr_time_no_lock_ms: '0', token: t });
	}
	return file;
}
