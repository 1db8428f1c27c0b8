// Preloaded into the n8n process the harness starts (`node --require parent-watchdog.js n8n start`):
// when the process that started it is gone (a killed test run), n8n shuts itself down instead of
// living on with its ports bound.
'use strict';

const parent = Number(process.env.N8N_METAKOCKA_PARENT_PID || 0);
if (parent > 0) {
	setInterval(() => {
		try {
			process.kill(parent, 0);
		} catch {
			process.kill(process.pid, 'SIGTERM');
		}
	}, 2000).unref();
}
