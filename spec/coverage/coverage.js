// Runs @open-rpc/test-coverage, as published and with its stock rules, against the Parley daemon
// at the base URL given (such as http://127.0.0.1:8890): it reads the document the daemon serves
// (GET /openrpc.json, whose servers entry is the URL reached) and calls each method's examples
// in document order. Exits 0 when every method has a call and every call passed, 1 otherwise.
//
//   node coverage.js BASE_URL [--spec FILE]
//
// --spec runs the examples of another document against the daemon (its servers replaced by the
// daemon's): the test suite uses it to see a broken example fail.
//
// The stock console-streaming reporter prints each call (the console one ends the process itself).
// The transport is the stock HTTP one plus what Parley needs: it sends the session as
// Authorization: Bearer, takes it from a login's result, drops it at logout, and logs in itself
// (as "coverage" in the lobby) when a method that needs a session comes without one.
const fs = require('fs');
const coverage = require('@open-rpc/test-coverage').default;
const { parseOpenRPCDocument } = require('@open-rpc/schema-utils-js');

const base = process.argv[2];
const specAt = process.argv.indexOf('--spec');
if (!base) {
  console.error('usage: node coverage.js BASE_URL [--spec FILE]');
  process.exit(2);
}

let id = 0;
async function post(url, method, params, session) {
  const headers = { 'Content-Type': 'application/json' };
  if (session) headers.Authorization = `Bearer ${session}`;
  const response = await fetch(url, {
    method: 'POST',
    headers,
    body: JSON.stringify({ jsonrpc: '2.0', id: ++id, method, params }),
  });
  return response.json();
}

(async () => {
  const served = await (await fetch(new URL('/openrpc.json', base))).json();
  const raw = specAt > 0 ? JSON.parse(fs.readFileSync(process.argv[specAt + 1], 'utf8')) : served;
  raw.servers = served.servers;
  // This runs over POST /rpc: a method that has a meaning on /rpc/ws only is not the HTTP door's.
  raw.methods = raw.methods.filter((m) => m['x-websocket-only'] !== true);
  const needsSession = new Map(raw.methods.map((m) => [m.name, m['x-requires-session'] === true]));
  const doc = await parseOpenRPCDocument(raw);

  let session = null;
  const transport = async (url, method, params) => {
    if (needsSession.get(method) && session === null) {
      const login = await post(url, 'login', { username: 'coverage', room: 'lobby' });
      if (!login.result) throw new Error(`the transport's login failed: ${JSON.stringify(login)}`);
      session = login.result.session;
    }
    const answer = await post(url, method, params, session);
    if (method === 'login' && answer.result) session = answer.result.session;
    if (method === 'logout' && answer.result) session = null;
    return answer;
  };

  const calls = await coverage({ openrpcDocument: doc, transport, reporters: ['console-streaming'] });
  const failed = calls.filter((c) => c.valid !== true);
  const uncovered = doc.methods.map((m) => m.name).filter((n) => !calls.some((c) => c.methodName === n));
  for (const c of failed) console.error(`FAILED ${c.methodName} ${c.title}: ${c.reason || c.requestError}`);
  for (const n of uncovered) console.error(`NOT COVERED ${n}: no call was made`);
  console.log(`${calls.length - failed.length} of ${calls.length} calls passed, ${doc.methods.length - uncovered.length} of ${doc.methods.length} methods covered`);
  process.exit(failed.length === 0 && uncovered.length === 0 ? 0 : 1);
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
