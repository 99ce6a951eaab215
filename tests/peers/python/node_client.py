#!/usr/bin/python3
"""A Python agency client on Debian's python3-grpcio (gRPC C core) against a running Federation
node, the way an agency's script would use it: health checking, server reflection to learn the
federation.v1 API (no .proto files of ours), then Verification calls built from the reflected
descriptors. Over TLS when --ca is given (with --cert/--key for a node that requires client
certificates).

Usage: node_client.py --target localhost:PORT --certificate NUMBER --name NAME
                      [--ca ca.pem [--cert client.pem --key client.key]]
Prints "OK: <step>" per passing step and "answer: <json>" lines; exits 1 on the first failure.
"""
import argparse
import json
import sys

import stubs

stubs.ensure_stubs()

import grpc  # noqa: E402
from google.protobuf import descriptor_pb2, descriptor_pool, json_format, message_factory  # noqa: E402
from grpcgen.health.v1 import health_pb2, health_pb2_grpc  # noqa: E402
from grpcgen.reflection.v1 import reflection_pb2, reflection_pb2_grpc  # noqa: E402

TIMEOUT = 30
VERIFICATION = "federation.v1.Verification"


class Failure(Exception):
    pass


def check(condition, message):
    if not condition:
        raise Failure(message)


def channel_for(args):
    if args.ca is None:
        return grpc.insecure_channel(args.target)
    with open(args.ca, "rb") as f:
        root = f.read()
    key = chain = None
    if args.cert:
        with open(args.cert, "rb") as f:
            chain = f.read()
        with open(args.key, "rb") as f:
            key = f.read()
    return grpc.secure_channel(args.target, grpc.ssl_channel_credentials(root_certificates=root, private_key=key, certificate_chain=chain))


def health(channel):
    stub = health_pb2_grpc.HealthStub(channel)
    serving = health_pb2.HealthCheckResponse.SERVING
    for service in ("", VERIFICATION, "federation.v1.Admin"):
        status = stub.Check(health_pb2.HealthCheckRequest(service=service), timeout=TIMEOUT).status
        check(status == serving, f"health of {service!r} is {status}, expected SERVING")
    try:
        stub.Check(health_pb2.HealthCheckRequest(service="no.such.Service"), timeout=TIMEOUT)
        raise Failure("an unknown service answered a health check")
    except grpc.RpcError as error:
        check(error.code() == grpc.StatusCode.NOT_FOUND, f"unknown service: {error.code()}, expected NOT_FOUND")
    watch = stub.Watch(health_pb2.HealthCheckRequest(service=VERIFICATION), timeout=TIMEOUT)
    first = next(watch)
    watch.cancel()
    check(first.status == serving, f"first Watch answer is {first.status}, expected SERVING")
    print("OK: health", flush=True)


def reflect(channel):
    """Lists the services and returns a descriptor pool holding the Verification service's files."""
    stub = reflection_pb2_grpc.ServerReflectionStub(channel)

    def ask(**request):
        responses = list(stub.ServerReflectionInfo(iter([reflection_pb2.ServerReflectionRequest(**request)]), timeout=TIMEOUT))
        check(len(responses) == 1, f"reflection answered {len(responses)} messages to one request")
        response = responses[0]
        check(not response.HasField("error_response"), f"reflection error: {response.error_response.error_message}")
        return response

    services = [s.name for s in ask(list_services="").list_services_response.service]
    for expected in (VERIFICATION, "federation.v1.Admin", "grpc.health.v1.Health", "grpc.reflection.v1.ServerReflection"):
        check(expected in services, f"{expected} is not among the reflected services {services}")
    files = ask(file_containing_symbol=VERIFICATION).file_descriptor_response.file_descriptor_proto
    protos = {}
    for data in files:
        proto = descriptor_pb2.FileDescriptorProto.FromString(data)
        protos[proto.name] = proto
    pool = descriptor_pool.DescriptorPool()
    added = set()

    def add(name):
        # Dependencies first; the well-known types may not be sent (every runtime has them).
        if name in added:
            return
        if name not in protos:
            pool.AddSerializedFile(descriptor_pool.Default().FindFileByName(name).serialized_pb)
        else:
            for dependency in protos[name].dependency:
                add(dependency)
            pool.Add(protos[name])
        added.add(name)

    for name in protos:
        add(name)
    print("OK: reflection", flush=True)
    return pool


def verify(channel, pool, certificate, name):
    service = pool.FindServiceByName(VERIFICATION)

    def call(method_name, **fields):
        method = service.methods_by_name[method_name]
        request_class = message_class(method.input_type)
        response_class = message_class(method.output_type)
        unary = channel.unary_unary(f"/{VERIFICATION}/{method_name}", request_serializer=request_class.SerializeToString,
                                    response_deserializer=response_class.FromString)
        return unary(request_class(**fields), timeout=TIMEOUT)

    answer = call("VerifyCertificate", certificate_number=certificate)
    document = json_format.MessageToDict(answer)
    check(document.get("found") is True, f"VerifyCertificate did not find {certificate}")
    print("answer: " + json.dumps({"answeringNode": document["provenance"]["answeringNode"],
                                   "route": document["provenance"]["sources"][0]["route"],
                                   "freshness": document["provenance"]["sources"][0]["freshness"]}, ensure_ascii=False), flush=True)
    genuine = call("PublicCheck", certificate_number=certificate, name=name)
    check(genuine.genuine, "PublicCheck with the holder's name is not genuine")
    wrong = call("PublicCheck", certificate_number=certificate, name=name + "甲")
    check(not wrong.genuine, "PublicCheck with a wrong name is genuine")
    try:
        call("VerifyCertificate", certificate_number="not-a-number")
        raise Failure("a malformed certificate number was accepted")
    except grpc.RpcError as error:
        check(error.code() == grpc.StatusCode.INVALID_ARGUMENT, f"malformed number: {error.code()}, expected INVALID_ARGUMENT")
    print("OK: verification", flush=True)


def message_class(descriptor):
    # GetMessageClass is protobuf >= 4.21; Debian 12 ships 3.21, which has only the factory.
    if hasattr(message_factory, "GetMessageClass"):
        return message_factory.GetMessageClass(descriptor)
    return message_factory.MessageFactory(descriptor.file.pool).GetPrototype(descriptor)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--target", required=True)
    parser.add_argument("--certificate", required=True)
    parser.add_argument("--name", required=True)
    parser.add_argument("--ca")
    parser.add_argument("--cert")
    parser.add_argument("--key")
    args = parser.parse_args()
    with channel_for(args) as channel:
        try:
            health(channel)
            pool = reflect(channel)
            verify(channel, pool, args.certificate, args.name)
        except (Failure, grpc.RpcError) as error:
            print(f"FAILED: {error}", file=sys.stderr, flush=True)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
