// Lets a plain `node` child process require the package's TypeScript sources (no ts-node here):
// each .ts file is transpiled on load with the project's own TypeScript, CommonJS, no type check.
const fs = require('node:fs');
const ts = require('typescript');

const builtIn = { ...require.extensions };
// `.ts` first, as jest resolves: "X.node" must find X.node.ts, not the codex file X.node.json.
for (const ext of Object.keys(builtIn)) delete require.extensions[ext];
require.extensions['.ts'] = function compileTs(module, filename) {
	const source = fs.readFileSync(filename, 'utf8');
	const { outputText } = ts.transpileModule(source, {
		fileName: filename,
		compilerOptions: {
			module: ts.ModuleKind.CommonJS,
			target: ts.ScriptTarget.ES2022,
			esModuleInterop: true,
			resolveJsonModule: true,
			sourceMap: false,
		},
	});
	module._compile(outputText, filename);
};
for (const [ext, loader] of Object.entries(builtIn)) require.extensions[ext] = loader;
