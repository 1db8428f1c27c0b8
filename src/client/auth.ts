// How a call authenticates and how its answer says it failed, in one place: the transport and the
// n8n credential (its test request and its body authentication for the HTTP Request node) use these.

/** Metakocka has no auth header: the secret key and the company id travel in every JSON body [DOC:documents_concept.md]. */
export const AUTH_BODY_KEYS = { secretKey: 'secret_key', companyId: 'company_id' } as const;

/** opr_code "0" is success; an absent opr_code is success too (add/update/get_partner answer without one [DOC][OBS]). */
export function isOprFailure(code: unknown): boolean {
	return code !== undefined && code !== null && String(code) !== '0';
}

/**
 * The failure codes Metakocka is known to answer with ("1"–"9" and the legacy FURS 4001–4004), for
 * places that can only test equality (n8n's credential test rules). A wrong key answers HTTP 200 with
 * a non-zero code, so a test that looked at the HTTP status only would call every key valid.
 */
export const KNOWN_FAILURE_CODES: readonly string[] = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '4001', '4002', '4003', '4004'];
