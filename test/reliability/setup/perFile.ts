import { writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';

import { captureState, runDir, scanForSecrets } from '../helpers/capture';

// Every MetakockaClient the nodes construct gets the suite's short timeouts (see clientDefaults).
jest.mock('../../../src/client/client', () => {
	const actual = jest.requireActual<typeof import('../../../src/client/client')>('../../../src/client/client');
	const { clientDefaults } = jest.requireActual<typeof import('../helpers/clientDefaults')>('../helpers/clientDefaults');
	class ReliabilityClient extends actual.MetakockaClient {
		constructor(...[credentials, options]: ConstructorParameters<typeof actual.MetakockaClient>) {
			super(credentials, { ...clientDefaults(), ...options });
		}
	}
	return { ...actual, MetakockaClient: ReliabilityClient };
});

afterAll(() => {
	const state = captureState();
	const hits = scanForSecrets(state.texts, state.secrets);
	const file = basename(expect.getState().testPath ?? 'unknown');
	writeFileSync(
		join(runDir(), `scan-${file}.json`),
		JSON.stringify({ file, texts: state.texts.length, bytes: state.bytes, secrets: state.secrets.size, hits: hits.length }),
	);
	// Every file must have produced something to scan, or the scan proves nothing.
	expect(state.secrets.size).toBeGreaterThan(0);
	expect(state.texts.length).toBeGreaterThan(0);
	expect(hits).toEqual([]);
});
