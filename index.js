// n8n loads the nodes and credentials listed under "n8n" in package.json; this entry point only
// exposes the n8n-free core for programmatic use.
module.exports = require('./dist/src');
