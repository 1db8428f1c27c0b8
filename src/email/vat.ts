// Check digits of the VAT / tax numbers a Slovenian company sees most. Formats without a cheap
// public algorithm (GB) are accepted on format alone.

function digits(value: string): number[] {
	return [...value].map(Number);
}

/** Slovenian davčna številka / ID za DDV: 8 digits, mod 11 with weights 8..2; first digit not 0. */
export function isValidSiTaxNumber(value: string): boolean {
	if (!/^[1-9]\d{7}$/.test(value)) return false;
	const d = digits(value);
	let sum = 0;
	for (let i = 0; i < 7; i++) sum += d[i] * (8 - i);
	const check = 11 - (sum % 11);
	if (check === 11) return false;
	return (check === 10 ? 0 : check) === d[7];
}

/** ISO 7064 MOD 11,10 (Croatian OIB, German USt-IdNr.). */
export function isValidMod11_10(value: string): boolean {
	if (!/^\d+$/.test(value)) return false;
	let check = 5;
	for (const n of digits(value)) check = ((((check || 10) * 2) % 11) + n) % 10;
	return check === 1;
}

function luhnChecksum(value: string): number {
	const d = digits(value).reverse();
	let sum = 0;
	d.forEach((n, i) => {
		if (i % 2 === 0) sum += n;
		else sum += n * 2 > 9 ? n * 2 - 9 : n * 2;
	});
	return sum % 10;
}

export function isValidItVat(value: string): boolean {
	return /^\d{11}$/.test(value) && luhnChecksum(value) === 0;
}

/** Austrian UID "U" + 8 digits: the Luhn sum of the first 7 digits decides the 8th. */
export function isValidAtVat(value: string): boolean {
	if (!/^\d{8}$/.test(value)) return false;
	return (6 - luhnChecksum(value.slice(0, 7)) + 10) % 10 === Number(value[7]);
}

export function isValidHuVat(value: string): boolean {
	if (!/^\d{8}$/.test(value)) return false;
	const weights = [9, 7, 3, 1, 9, 7, 3, 1];
	return digits(value).reduce((sum, n, i) => sum + n * weights[i], 0) % 10 === 0;
}

/** French TVA: a 2-character key and the 9-digit SIREN; numeric keys are checked. */
export function isValidFrVat(value: string): boolean {
	const m = /^([0-9A-HJ-NP-Z]{2})(\d{9})$/.exec(value);
	if (!m) return false;
	if (!/^\d{2}$/.test(m[1])) return true;
	return Number(m[1]) === Number(BigInt(`${m[2]}12`) % 97n);
}

export interface TaxFormat {
	country: string;
	/** Matches the number after the country prefix; spaces allowed where people write them. */
	pattern: string;
	validate: (compact: string) => boolean;
}

export const TAX_FORMATS: TaxFormat[] = [
	{ country: 'SI', pattern: String.raw`(?:\d ?){7}\d`, validate: isValidSiTaxNumber },
	{ country: 'HR', pattern: String.raw`\d{11}`, validate: isValidMod11_10 },
	{ country: 'AT', pattern: String.raw`U ?\d{8}`, validate: (v) => isValidAtVat(v.replace(/^U/, '')) },
	{ country: 'DE', pattern: String.raw`\d{9}`, validate: isValidMod11_10 },
	{ country: 'IT', pattern: String.raw`\d{11}`, validate: isValidItVat },
	{ country: 'HU', pattern: String.raw`\d{8}`, validate: isValidHuVat },
	{ country: 'FR', pattern: String.raw`[0-9A-HJ-NP-Z]{2} ?\d{3} ?\d{3} ?\d{3}`, validate: isValidFrVat },
	{ country: 'GB', pattern: String.raw`\d{3} ?\d{4} ?\d{2}(?: ?\d{3})?`, validate: (v) => /^(?:\d{9}|\d{12})$/.test(v) },
];
