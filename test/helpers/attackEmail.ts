// The amplification email of issue 17: about 30 KB naming 2,000 invoice numbers and 300
// recipients. Before the caps it cost 6,301 Metakocka calls (300 + sender partner lookups, three
// searches per number).

export type AttackEmail = {
	from: string;
	to: string;
	subject: string;
	text: string;
	messageId: string;
	[key: string]: string;
};

export function amplificationEmail(tag = 'amp', numbers = 2000, recipients = 300): AttackEmail {
	const to = Array.from({ length: recipients }, (_, i) => `r${i}@${tag}-${i % 50}.example`).join(', ');
	const lines: string[] = [];
	for (let i = 0; i < numbers; i += 10) {
		lines.push(Array.from({ length: Math.min(10, numbers - i) }, (_, j) => `RA-2024-${String(10000 + i + j)}`).join(' '));
	}
	return {
		from: `Napadalec <attacker@${tag}.example>`,
		to,
		subject: 'Računi',
		text: `Prosim preverite naslednje račune:\n${lines.join('\n')}\n`,
		messageId: `<${tag}-${numbers}-${recipients}@${tag}.example>`,
	};
}

/** Metakocka calls of every kind the sandbox counted. */
export function totalCalls(counters: Record<string, number>): number {
	return Object.values(counters).reduce((a, b) => a + b, 0);
}
