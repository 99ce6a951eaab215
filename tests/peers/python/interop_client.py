#!/usr/bin/python3
"""A gRPC interop client on Debian's python3-grpcio (gRPC C core), written for Federation's tests
from grpc/grpc doc/interop-test-descriptions.md. Flags follow the standard interop client:
--server_host, --server_port, --test_case (a case name or "all"), --use_tls, --use_test_ca,
--ca_file, --server_host_override. Prints "OK: <case>" per passing case; exits 1 on failure.
"""
import argparse
import sys

import interop_stubs

interop_stubs.ensure_stubs()

import grpc  # noqa: E402
from grpcgen.testing import empty_pb2, messages_pb2, test_pb2_grpc  # noqa: E402

SPECIAL_STATUS_MESSAGE = "\t\ntest with whitespace\r\nand Unicode BMP \u263a and non-BMP \U0001f608\t\n"
TIMEOUT = 30


class Failure(Exception):
    pass


def check(condition, message):
    if not condition:
        raise Failure(message)


def zeros(size):
    return messages_pb2.Payload(body=bytes(size))


def check_zeros(payload, size):
    check(len(payload.body) == size, f"payload is {len(payload.body)} bytes, expected {size}")
    check(payload.body == bytes(size), "payload is not all zeros")


def expect_code(expected, call, message=None):
    try:
        call()
    except grpc.RpcError as error:
        check(error.code() == expected, f"status is {error.code()} ({error.details()!r}), expected {expected}")
        if message is not None:
            check(error.details() == message, f"status message is {error.details()!r}, expected {message!r}")
        return
    raise Failure(f"the call succeeded, expected {expected}")


def large_request(**kwargs):
    return messages_pb2.SimpleRequest(response_size=314159, payload=zeros(271828), **kwargs)


def empty_unary(stub, channel):
    response = stub.EmptyCall(empty_pb2.Empty(), timeout=TIMEOUT)
    check(isinstance(response, empty_pb2.Empty), "EmptyCall returned no Empty")


def large_unary(stub, channel):
    check_zeros(stub.UnaryCall(large_request(), timeout=TIMEOUT).payload, 314159)


def client_compressed_unary(stub, channel):
    expect_code(grpc.StatusCode.INVALID_ARGUMENT, lambda: stub.UnaryCall(
        large_request(expect_compressed=messages_pb2.BoolValue(value=True)), timeout=TIMEOUT))
    response = stub.UnaryCall(large_request(expect_compressed=messages_pb2.BoolValue(value=True)),
                              timeout=TIMEOUT, compression=grpc.Compression.Gzip)
    check_zeros(response.payload, 314159)
    response = stub.UnaryCall(large_request(expect_compressed=messages_pb2.BoolValue(value=False)), timeout=TIMEOUT)
    check_zeros(response.payload, 314159)


def server_compressed_unary(stub, channel):
    for compressed in (True, False):
        response = stub.UnaryCall(large_request(response_compressed=messages_pb2.BoolValue(value=compressed)), timeout=TIMEOUT)
        check_zeros(response.payload, 314159)


def client_streaming(stub, channel):
    requests = (messages_pb2.StreamingInputCallRequest(payload=zeros(size)) for size in (27182, 8, 1828, 45904))
    response = stub.StreamingInputCall(requests, timeout=TIMEOUT)
    check(response.aggregated_payload_size == 74922, f"aggregated_payload_size {response.aggregated_payload_size}, expected 74922")


def client_compressed_streaming(stub, channel):
    probe = iter([messages_pb2.StreamingInputCallRequest(expect_compressed=messages_pb2.BoolValue(value=True), payload=zeros(27182))])
    expect_code(grpc.StatusCode.INVALID_ARGUMENT, lambda: stub.StreamingInputCall(probe, timeout=TIMEOUT))
    # The C-core Python API compresses every message of a call; the second message (which does not
    # expect compression) arriving compressed is allowed by the case's description.
    requests = iter([
        messages_pb2.StreamingInputCallRequest(expect_compressed=messages_pb2.BoolValue(value=True), payload=zeros(27182)),
        messages_pb2.StreamingInputCallRequest(expect_compressed=messages_pb2.BoolValue(value=False), payload=zeros(45904)),
    ])
    response = stub.StreamingInputCall(requests, timeout=TIMEOUT, compression=grpc.Compression.Gzip)
    check(response.aggregated_payload_size == 73086, f"aggregated_payload_size {response.aggregated_payload_size}, expected 73086")


def check_stream(responses, sizes):
    got = [len(r.payload.body) for r in responses]
    check(got == list(sizes), f"response sizes {got}, expected {list(sizes)}")


def server_streaming(stub, channel):
    sizes = (31415, 9, 2653, 58979)
    request = messages_pb2.StreamingOutputCallRequest(
        response_parameters=[messages_pb2.ResponseParameters(size=s) for s in sizes])
    check_stream(list(stub.StreamingOutputCall(request, timeout=TIMEOUT)), sizes)


def server_compressed_streaming(stub, channel):
    request = messages_pb2.StreamingOutputCallRequest(response_parameters=[
        messages_pb2.ResponseParameters(size=31415, compressed=messages_pb2.BoolValue(value=True)),
        messages_pb2.ResponseParameters(size=92653, compressed=messages_pb2.BoolValue(value=False)),
    ])
    check_stream(list(stub.StreamingOutputCall(request, timeout=TIMEOUT)), (31415, 92653))


class Pipe:
    """A request iterator fed one message at a time, for ping-pong style calls."""

    def __init__(self):
        import queue
        self._queue = queue.Queue()

    def add(self, item):
        self._queue.put(item)

    def close(self):
        self._queue.put(None)

    def __iter__(self):
        return self

    def __next__(self):
        item = self._queue.get()
        if item is None:
            raise StopIteration()
        return item


def ping_pong(stub, channel):
    pipe = Pipe()
    responses = stub.FullDuplexCall(pipe, timeout=TIMEOUT)
    for response_size, request_size in ((31415, 27182), (9, 8), (2653, 1828), (58979, 45904)):
        pipe.add(messages_pb2.StreamingOutputCallRequest(
            response_parameters=[messages_pb2.ResponseParameters(size=response_size)], payload=zeros(request_size)))
        check_zeros(next(responses).payload, response_size)
    pipe.close()
    check(next(responses, None) is None, "the server sent more responses than requested")


def empty_stream(stub, channel):
    responses = list(stub.FullDuplexCall(iter([]), timeout=TIMEOUT))
    check(responses == [], f"{len(responses)} responses to an empty stream")


def custom_metadata(stub, channel):
    initial = ("x-grpc-test-echo-initial", "test_initial_metadata_value")
    trailing = ("x-grpc-test-echo-trailing-bin", b"\xab\xab\xab")

    def check_echo(initial_metadata, trailing_metadata):
        check(initial in list(initial_metadata), f"initial metadata {list(initial_metadata)} lacks {initial}")
        check(trailing in list(trailing_metadata), f"trailing metadata {list(trailing_metadata)} lacks {trailing}")

    response, call = stub.UnaryCall.with_call(large_request(), metadata=[initial, trailing], timeout=TIMEOUT)
    check_zeros(response.payload, 314159)
    check_echo(call.initial_metadata(), call.trailing_metadata())

    request = messages_pb2.StreamingOutputCallRequest(
        response_parameters=[messages_pb2.ResponseParameters(size=314159)], payload=zeros(271828))
    call = stub.FullDuplexCall(iter([request]), metadata=[initial, trailing], timeout=TIMEOUT)
    check_stream(list(call), (314159,))
    check_echo(call.initial_metadata(), call.trailing_metadata())


def status_code_and_message(stub, channel):
    message = "test status message"
    status = messages_pb2.EchoStatus(code=2, message=message)
    expect_code(grpc.StatusCode.UNKNOWN, lambda: stub.UnaryCall(messages_pb2.SimpleRequest(response_status=status), timeout=TIMEOUT), message)
    expect_code(grpc.StatusCode.UNKNOWN, lambda: list(stub.FullDuplexCall(
        iter([messages_pb2.StreamingOutputCallRequest(response_status=status)]), timeout=TIMEOUT)), message)


def special_status_message(stub, channel):
    status = messages_pb2.EchoStatus(code=2, message=SPECIAL_STATUS_MESSAGE)
    expect_code(grpc.StatusCode.UNKNOWN, lambda: stub.UnaryCall(
        messages_pb2.SimpleRequest(response_status=status), timeout=TIMEOUT), SPECIAL_STATUS_MESSAGE)


def unimplemented_method(stub, channel):
    expect_code(grpc.StatusCode.UNIMPLEMENTED, lambda: stub.UnimplementedCall(empty_pb2.Empty(), timeout=TIMEOUT))


def unimplemented_service(stub, channel):
    other = test_pb2_grpc.UnimplementedServiceStub(channel)
    expect_code(grpc.StatusCode.UNIMPLEMENTED, lambda: other.UnimplementedCall(empty_pb2.Empty(), timeout=TIMEOUT))


def cancel_after_begin(stub, channel):
    pipe = Pipe()
    future = stub.StreamingInputCall.future(pipe, timeout=TIMEOUT)
    future.cancel()
    check(future.cancelled(), "the call was not cancelled")
    try:
        future.result()
    except grpc.FutureCancelledError:
        pass
    except grpc.RpcError as error:
        check(error.code() == grpc.StatusCode.CANCELLED, f"status is {error.code()}, expected CANCELLED")
    else:
        raise Failure("the cancelled call succeeded")
    pipe.close()


def cancel_after_first_response(stub, channel):
    pipe = Pipe()
    call = stub.FullDuplexCall(pipe, timeout=TIMEOUT)
    pipe.add(messages_pb2.StreamingOutputCallRequest(
        response_parameters=[messages_pb2.ResponseParameters(size=31415)], payload=zeros(27182)))
    check_zeros(next(call).payload, 31415)
    call.cancel()
    try:
        next(call)
    except grpc.RpcError as error:
        check(error.code() == grpc.StatusCode.CANCELLED, f"status is {error.code()}, expected CANCELLED")
    else:
        raise Failure("the call went on after cancellation")
    pipe.close()


def timeout_on_sleeping_server(stub, channel):
    pipe = Pipe()
    call = stub.FullDuplexCall(pipe, timeout=0.001)
    pipe.add(messages_pb2.StreamingOutputCallRequest(payload=zeros(27182)))
    try:
        next(call)
    except grpc.RpcError as error:
        check(error.code() == grpc.StatusCode.DEADLINE_EXCEEDED, f"status is {error.code()}, expected DEADLINE_EXCEEDED")
    else:
        raise Failure("the call produced a response despite its 1 ms deadline")
    pipe.close()


CASES = [
    empty_unary, large_unary, client_compressed_unary, server_compressed_unary, client_streaming,
    client_compressed_streaming, server_streaming, server_compressed_streaming, ping_pong, empty_stream,
    custom_metadata, status_code_and_message, special_status_message, unimplemented_method,
    unimplemented_service, cancel_after_begin, cancel_after_first_response, timeout_on_sleeping_server,
]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--server_host", default="127.0.0.1")
    parser.add_argument("--server_port", type=int, required=True)
    parser.add_argument("--test_case", default="all")
    parser.add_argument("--use_tls", default="false")
    parser.add_argument("--use_test_ca", default="false")
    parser.add_argument("--ca_file")
    parser.add_argument("--server_host_override")
    args = parser.parse_args()

    target = f"{args.server_host}:{args.server_port}"
    if args.use_tls.lower() in ("true", "1"):
        root = open(args.ca_file, "rb").read() if args.use_test_ca.lower() in ("true", "1") and args.ca_file else None
        options = [("grpc.ssl_target_name_override", args.server_host_override)] if args.server_host_override else []
        channel = grpc.secure_channel(target, grpc.ssl_channel_credentials(root_certificates=root), options=options)
    else:
        channel = grpc.insecure_channel(target)
    stub = test_pb2_grpc.TestServiceStub(channel)
    by_name = {case.__name__: case for case in CASES}
    names = list(by_name) if args.test_case == "all" else [args.test_case]
    for name in names:
        if name not in by_name:
            print(f"unknown test case {name!r}; known: {', '.join(by_name)}", file=sys.stderr)
            return 2
        try:
            by_name[name](stub, channel)
        except (Failure, grpc.RpcError) as error:
            print(f"FAILED: {name}: {error}", file=sys.stderr)
            return 1
        print(f"OK: {name}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
