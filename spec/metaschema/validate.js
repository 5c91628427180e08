// Fails (exit 1) unless the OpenRPC document named on the command line validates against the
// OpenRPC meta-schema, printing every violation.
const fs = require('fs');
const { validateOpenRPCDocument } = require('@open-rpc/schema-utils-js');

const file = process.argv[2];
const doc = JSON.parse(fs.readFileSync(file, 'utf8'));
const result = validateOpenRPCDocument(doc);
if (result !== true) {
  console.error(`${file} does not validate against the OpenRPC meta-schema:`);
  console.error(String(result.message || JSON.stringify(result, null, 2)));
  process.exit(1);
}
console.log(`${file}: valid OpenRPC ${doc.openrpc} (${doc.methods.length} methods)`);
