#!/usr/bin/env node
// A @grpc/grpc-js agency client against a running Federation node: health (Check and the
// streaming Watch) and Verification (VerifyCertificate, PublicCheck), loading the node's
// published .proto files with @grpc/proto-loader, over TLS when a CA is given.
// Usage: node grpcjs_client.js <host:port> <certificate-number> <holder-name> [ca.pem client.pem client.key]
// Prints "OK: <step>" per passing step and "answer: <json>"; exits 1 on the first failure.
'use strict';
const fs = require('fs');
const path = require('path');
const assert = require('assert');
const grpc = require('@grpc/grpc-js');
const loader = require('@grpc/proto-loader');

const repo = path.join(__dirname, '..', '..', '..');
const definition = loader.loadSync(['federation/v1/verification.proto', 'grpc/health/v1/health.proto'], {
  includeDirs: [path.join(repo, 'proto'), path.join(repo, 'tests', 'peers', 'protos')],
  keepCase: false,
  defaults: true,
  enums: String,
});
const packages = grpc.loadPackageDefinition(definition);

const [target, certificate, name, caFile, certFile, keyFile] = process.argv.slice(2);
if (!target || !certificate || !name) {
  console.error('usage: node grpcjs_client.js <host:port> <certificate-number> <holder-name> [ca.pem client.pem client.key]');
  process.exit(2);
}
const credentials = caFile
  ? grpc.credentials.createSsl(fs.readFileSync(caFile), keyFile ? fs.readFileSync(keyFile) : null, certFile ? fs.readFileSync(certFile) : null)
  : grpc.credentials.createInsecure();
const health = new packages.grpc.health.v1.Health(target, credentials);
const verification = new packages.federation.v1.Verification(target, credentials);
const deadline = () => new Date(Date.now() + 30000);
const unary = (client, method, request) =>
  new Promise((resolve, reject) => client[method](request, { deadline: deadline() }, (err, res) => (err ? reject(err) : resolve(res))));

const steps = {
  async health() {
    for (const service of ['', 'federation.v1.Verification']) {
      const response = await unary(health, 'Check', { service });
      assert.strictEqual(response.status, 'SERVING', `health of '${service}'`);
    }
    await assert.rejects(unary(health, 'Check', { service: 'no.such.Service' }), (err) => err.code === grpc.status.NOT_FOUND);
    const first = await new Promise((resolve, reject) => {
      const call = health.Watch({ service: 'federation.v1.Verification' }, { deadline: deadline() });
      call.on('data', (response) => {
        resolve(response);
        call.cancel();
      });
      call.on('error', (err) => (err.code === grpc.status.CANCELLED ? undefined : reject(err)));
    });
    assert.strictEqual(first.status, 'SERVING', 'first Watch answer');
  },
  async verification() {
    const answer = await unary(verification, 'VerifyCertificate', { certificateNumber: certificate });
    assert.strictEqual(answer.found, true, 'VerifyCertificate found the certificate');
    const source = answer.provenance.sources[0];
    console.log('answer: ' + JSON.stringify({ answeringNode: answer.provenance.answeringNode, route: source.route, freshness: source.freshness }));
    assert.strictEqual((await unary(verification, 'PublicCheck', { certificateNumber: certificate, name })).genuine, true, 'genuine with the right name');
    assert.strictEqual((await unary(verification, 'PublicCheck', { certificateNumber: certificate, name: name + '甲' })).genuine, false, 'not genuine with a wrong name');
    await assert.rejects(unary(verification, 'VerifyCertificate', { certificateNumber: 'not-a-number' }), (err) => err.code === grpc.status.INVALID_ARGUMENT);
  },
};

(async () => {
  for (const [step, run] of Object.entries(steps)) {
    try {
      await run();
      console.log(`OK: ${step}`);
    } catch (err) {
      console.error(`FAILED: ${step}: ${err && err.stack ? err.stack : err}`);
      process.exit(1);
    }
  }
  health.close();
  verification.close();
})();
