#!/usr/bin/env node
// A @grpc/grpc-js client for Federation's interop tests: unary and streaming calls against any
// server of grpc.testing.TestService. Usage: node grpcjs_client.js <host:port>
// Prints "OK: <case>" per passing case; exits 1 on the first failure.
'use strict';
const path = require('path');
const assert = require('assert');
const grpc = require('@grpc/grpc-js');
const loader = require('@grpc/proto-loader');

const protoRoot = path.join(__dirname, '..', '..', 'Federation.Interop', 'Protos');
const definition = loader.loadSync('grpc/testing/test.proto', { includeDirs: [protoRoot], keepCase: true, defaults: true });
const testing = grpc.loadPackageDefinition(definition).grpc.testing;

const target = process.argv[2];
if (!target) {
  console.error('usage: node grpcjs_client.js <host:port>');
  process.exit(2);
}
const client = new testing.TestService(target, grpc.credentials.createInsecure());
const deadline = () => new Date(Date.now() + 30000);
const zeros = (n) => ({ body: Buffer.alloc(n) });

function unary(method, request, metadata = new grpc.Metadata()) {
  return new Promise((resolve, reject) => client[method](request, metadata, { deadline: deadline() }, (err, res) => (err ? reject(err) : resolve(res))));
}

const cases = {
  async empty_unary() {
    const response = await unary('EmptyCall', {});
    assert.deepStrictEqual(response, {});
  },
  async large_unary() {
    const response = await unary('UnaryCall', { response_size: 314159, payload: zeros(271828) });
    assert.strictEqual(response.payload.body.length, 314159);
  },
  async server_streaming() {
    const sizes = [31415, 9, 2653, 58979];
    const call = client.StreamingOutputCall({ response_parameters: sizes.map((size) => ({ size })) }, { deadline: deadline() });
    const got = [];
    await new Promise((resolve, reject) => {
      call.on('data', (r) => got.push(r.payload.body.length));
      call.on('error', reject);
      call.on('end', resolve);
    });
    assert.deepStrictEqual(got, sizes);
  },
  async client_streaming() {
    const response = await new Promise((resolve, reject) => {
      const call = client.StreamingInputCall({ deadline: deadline() }, (err, res) => (err ? reject(err) : resolve(res)));
      for (const size of [27182, 8, 1828, 45904]) call.write({ payload: zeros(size) });
      call.end();
    });
    assert.strictEqual(response.aggregated_payload_size, 74922);
  },
  async ping_pong() {
    const rounds = [[31415, 27182], [9, 8], [2653, 1828], [58979, 45904]];
    const call = client.FullDuplexCall({ deadline: deadline() });
    const queue = [];
    let waiting = null;
    call.on('data', (r) => (waiting ? (waiting(r), (waiting = null)) : queue.push(r)));
    const next = () => new Promise((resolve) => (queue.length ? resolve(queue.shift()) : (waiting = resolve)));
    for (const [responseSize, requestSize] of rounds) {
      call.write({ response_parameters: [{ size: responseSize }], payload: zeros(requestSize) });
      const response = await next();
      assert.strictEqual(response.payload.body.length, responseSize);
    }
    await new Promise((resolve, reject) => {
      call.on('error', reject);
      call.on('end', resolve);
      call.end();
    });
  },
  async custom_metadata() {
    const metadata = new grpc.Metadata();
    metadata.set('x-grpc-test-echo-initial', 'test_initial_metadata_value');
    metadata.set('x-grpc-test-echo-trailing-bin', Buffer.from([0xab, 0xab, 0xab]));
    const { headers, trailers } = await new Promise((resolve, reject) => {
      let headers;
      const call = client.UnaryCall({ response_size: 314159, payload: zeros(271828) }, metadata, { deadline: deadline() }, (err) => err && reject(err));
      call.on('metadata', (m) => (headers = m));
      call.on('status', (s) => resolve({ headers, trailers: s.metadata }));
    });
    assert.deepStrictEqual(headers.get('x-grpc-test-echo-initial'), ['test_initial_metadata_value']);
    assert.deepStrictEqual(trailers.get('x-grpc-test-echo-trailing-bin'), [Buffer.from([0xab, 0xab, 0xab])]);
  },
  async status_code_and_message() {
    await assert.rejects(unary('UnaryCall', { response_status: { code: 2, message: 'test status message' } }),
      (err) => err.code === grpc.status.UNKNOWN && err.details === 'test status message');
  },
  async unimplemented_method() {
    await assert.rejects(unary('UnimplementedCall', {}), (err) => err.code === grpc.status.UNIMPLEMENTED);
  },
};

(async () => {
  for (const [name, run] of Object.entries(cases)) {
    try {
      await run();
      console.log(`OK: ${name}`);
    } catch (err) {
      console.error(`FAILED: ${name}: ${err && err.stack ? err.stack : err}`);
      process.exit(1);
    }
  }
  client.close();
})();
