#!/usr/bin/python3
"""A gRPC interop TestService on Debian's python3-grpcio (gRPC C core), written for Federation's
tests from grpc/grpc doc/interop-test-descriptions.md ("Server"). It does not implement the optional
CompressedRequest feature: the C core decompresses requests before Python sees them and hides
grpc-encoding, so expect_compressed cannot be checked (the proto makes that field nullable for
exactly such servers); clients are told to waive their probe. Flags: --port (0 picks a free
port), --use_tls with --tls_cert_file/--tls_key_file. Prints "Server listening on
127.0.0.1:<port>" once serving; binds 127.0.0.1 only.
"""
import argparse
import sys
import threading
import time
from concurrent import futures

import interop_stubs

interop_stubs.ensure_stubs()

import grpc  # noqa: E402
from grpcgen.testing import empty_pb2, messages_pb2, test_pb2_grpc  # noqa: E402

ECHO_INITIAL = "x-grpc-test-echo-initial"
ECHO_TRAILING = "x-grpc-test-echo-trailing-bin"


def zeros(size):
    return messages_pb2.Payload(body=bytes(size))


def echo_metadata(context):
    metadata = dict(context.invocation_metadata())
    if ECHO_INITIAL in metadata:
        context.send_initial_metadata([(ECHO_INITIAL, metadata[ECHO_INITIAL])])
    if ECHO_TRAILING in metadata:
        context.set_trailing_metadata([(ECHO_TRAILING, metadata[ECHO_TRAILING])])


def echo_status(status, context):
    if status is not None and status.code != 0:
        context.abort(grpc.StatusCode(next(c for c in grpc.StatusCode if c.value[0] == status.code).value), status.message)


class TestService(test_pb2_grpc.TestServiceServicer):
    def EmptyCall(self, request, context):
        return empty_pb2.Empty()

    def UnaryCall(self, request, context):
        echo_metadata(context)
        if request.HasField("response_status"):
            echo_status(request.response_status, context)
        if request.response_compressed.value:
            context.set_compression(grpc.Compression.Gzip)
        return messages_pb2.SimpleResponse(payload=zeros(request.response_size))

    def StreamingOutputCall(self, request, context):
        echo_metadata(context)
        if request.HasField("response_status"):
            echo_status(request.response_status, context)
        yield from self._responses(request, context)

    def StreamingInputCall(self, request_iterator, context):
        echo_metadata(context)
        total = 0
        for request in request_iterator:
            total += len(request.payload.body)
        return messages_pb2.StreamingInputCallResponse(aggregated_payload_size=total)

    def FullDuplexCall(self, request_iterator, context):
        echo_metadata(context)
        for request in request_iterator:
            if request.HasField("response_status"):
                echo_status(request.response_status, context)
            yield from self._responses(request, context)

    def HalfDuplexCall(self, request_iterator, context):
        echo_metadata(context)
        requests = list(request_iterator)
        for request in requests:
            yield from self._responses(request, context)

    @staticmethod
    def _responses(request, context):
        if any(p.compressed.value for p in request.response_parameters):
            context.set_compression(grpc.Compression.Gzip)
        for parameters in request.response_parameters:
            if parameters.interval_us:
                time.sleep(parameters.interval_us / 1e6)
            if not parameters.compressed.value:
                context.disable_next_message_compression()
            yield messages_pb2.StreamingOutputCallResponse(payload=zeros(parameters.size))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=50051)
    parser.add_argument("--use_tls", default="false")
    parser.add_argument("--tls_cert_file")
    parser.add_argument("--tls_key_file")
    parser.add_argument("--workers", type=int, default=16)
    parser.add_argument("--max_seconds", type=float, default=600,
                        help="stop after this many seconds (bounded, so a forgotten server goes away)")
    args = parser.parse_args()

    server = grpc.server(futures.ThreadPoolExecutor(max_workers=args.workers))
    test_pb2_grpc.add_TestServiceServicer_to_server(TestService(), server)
    address = f"127.0.0.1:{args.port}"
    if args.use_tls.lower() in ("true", "1"):
        key = open(args.tls_key_file, "rb").read()
        cert = open(args.tls_cert_file, "rb").read()
        port = server.add_secure_port(address, grpc.ssl_server_credentials([(key, cert)]))
    else:
        port = server.add_insecure_port(address)
    server.start()
    print(f"Server listening on 127.0.0.1:{port}", flush=True)
    stopped = threading.Event()
    stopped.wait(args.max_seconds)
    server.stop(grace=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
