#!/usr/bin/env node
// An agency's Node.js client of a Federation node: VerifyPerson and PublicCheck over mutual TLS
// with the agency's account certificate, on @grpc/grpc-js, loading the repository's
// proto/federation/v1 at run time with @grpc/proto-loader (no generated code).
//
// Usage: node agency_client.js <host:port> <citizen-id> <certificate-number> <holder-name>
// The deployment CA, the account's certificate and key come from FEDERATION_CA, FEDERATION_CERT
// and FEDERATION_KEY.
// Exit codes: 0 answered; 2 usage; 3 UNAUTHENTICATED; 4 PERMISSION_DENIED; 5 NOT_FOUND;
// 6 INVALID_ARGUMENT; 7 RESOURCE_EXHAUSTED; 8 UNAVAILABLE; 1 any other failure.
'use strict';
const fs = require('fs');
const path = require('path');
const grpc = require('@grpc/grpc-js');
const loader = require('@grpc/proto-loader');

// Each status an agency must handle: what it means for the caller, and the exit code.
const ERRORS = {
  [grpc.status.UNAUTHENTICATED]: [3, '身份未认证: the node did not accept the certificate (not of the deployment CA, revoked, or no account bound to it)'],
  [grpc.status.PERMISSION_DENIED]: [4, '无权限: the account has no role for this call over this division'],
  [grpc.status.NOT_FOUND]: [5, "不在本节点辖区: the record is outside this node's jurisdiction; ask a node above it"],
  [grpc.status.INVALID_ARGUMENT]: [6, '参数错误: the citizen ID or certificate number is malformed'],
  [grpc.status.RESOURCE_EXHAUSTED]: [7, '请求过多: rate limit reached; wait and try again'],
  [grpc.status.UNAVAILABLE]: [8, '服务不可用: the node (or the node holding the record, with no copy) cannot be reached; try again later'],
};

const [target, citizenId, certificate, name] = process.argv.slice(2);
const { FEDERATION_CA: ca, FEDERATION_CERT: cert, FEDERATION_KEY: key } = process.env;
if (!target || !citizenId || !certificate || !name || !ca || !cert || !key) {
  console.error('usage: FEDERATION_CA=ca.pem FEDERATION_CERT=account.pem FEDERATION_KEY=account.key \\\n' +
    '       node agency_client.js <host:port> <citizen-id> <certificate-number> <holder-name>');
  process.exit(2);
}

const definition = loader.loadSync('federation/v1/verification.proto', {
  includeDirs: [path.join(__dirname, '..', '..', 'proto')],
  defaults: true,
  enums: String,
});
const { Verification } = grpc.loadPackageDefinition(definition).federation.v1;
const read = (file) => {
  try {
    return fs.readFileSync(file);
  } catch (err) {
    console.error(`cannot read ${file}: ${err.message}`);
    process.exit(2);
  }
};
const credentials = grpc.credentials.createSsl(read(ca), read(key), read(cert));
const client = new Verification(target, credentials);
const call = (method, request) => new Promise((resolve, reject) =>
  client[method](request, { deadline: new Date(Date.now() + 30000) }, (err, response) => (err ? reject(err) : resolve(response))));

(async () => {
  try {
    const person = await call('VerifyPerson', { citizenId });
    let line = `VerifyPerson: found=${person.found}`;
    if (person.found) {
      line += ` state=${person.holder.employmentState} answered_by=${person.provenance.answeringNode}`;
      for (const source of person.provenance.sources) {
        line += ` source=${source.route.join('>')}:${source.freshness}`;
      }
    }
    console.log(line);
    for (const unanswered of person.provenance.unanswered) {
      console.log(`  not asked / unanswered: ${unanswered}`);
    }
    const check = await call('PublicCheck', { certificateNumber: certificate, name });
    console.log(`PublicCheck: genuine=${check.genuine}`);
    process.exitCode = 0;
  } catch (err) {
    if (err.code === undefined) throw err;
    const [exitCode, meaning] = ERRORS[err.code] ?? [1, '调用失败: unexpected failure'];
    // The node's detail names the field and why; it never holds personal data.
    console.error(`error ${grpc.status[err.code]}: ${meaning}. Node said: ${err.details}`);
    process.exitCode = exitCode;
  } finally {
    client.close();
  }
})();
