#!/usr/bin/python3
"""An agency's Python client of a Federation node: VerifyPerson and PublicCheck over mutual TLS
with the agency's account certificate, on Debian's python3-grpcio.

Stubs are generated from the repository's proto/ at start (Debian's protoc + grpc_python_plugin)
into a temporary directory, or taken from FEDERATION_STUBS when it names a directory that already
holds them (see README.md). Run it with /usr/bin/python3: Debian's python3-grpcio imports only there.

Usage: agency_client.py --target HOST:PORT --citizen-id ID --certificate NUMBER --name NAME
                        [--ca ca.pem --cert account.pem --key account.key]
The files default to $FEDERATION_CA, $FEDERATION_CERT and $FEDERATION_KEY.
Exit codes: 0 answered; 2 usage; 3 UNAUTHENTICATED; 4 PERMISSION_DENIED; 5 NOT_FOUND;
6 INVALID_ARGUMENT; 7 RESOURCE_EXHAUSTED; 8 UNAVAILABLE; 1 any other failure.
"""
import argparse
import atexit
import glob
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
PROTO_ROOT = os.path.abspath(os.path.join(HERE, "..", "..", "proto"))
TIMEOUT_SECONDS = 30

# Each status an agency must handle: what it means for the caller, and the exit code.
ERRORS = {
    "UNAUTHENTICATED": (3, "身份未认证: the node did not accept the certificate (not of the deployment CA, revoked, or no account bound to it)"),
    "PERMISSION_DENIED": (4, "无权限: the account has no role for this call over this division"),
    "NOT_FOUND": (5, "不在本节点辖区: the record is outside this node's jurisdiction; ask a node above it"),
    "INVALID_ARGUMENT": (6, "参数错误: the citizen ID or certificate number is malformed"),
    "RESOURCE_EXHAUSTED": (7, "请求过多: rate limit reached; wait and try again"),
    "UNAVAILABLE": (8, "服务不可用: the node (or the node holding the record, with no copy) cannot be reached; try again later"),
}


def generate_stubs():
    """protoc + grpc_python_plugin over proto/federation/v1 into a temporary directory."""
    stubs = os.environ.get("FEDERATION_STUBS")
    if stubs and os.path.exists(os.path.join(stubs, "federation", "v1", "verification_pb2_grpc.py")):
        return stubs
    for tool in ("protoc", "grpc_python_plugin"):
        if shutil.which(tool) is None:
            sys.exit(f"{tool} not found: apt-get install -y protobuf-compiler protobuf-compiler-grpc")
    out = tempfile.mkdtemp(prefix="federation-stubs-")
    atexit.register(shutil.rmtree, out, True)
    protos = sorted(glob.glob(os.path.join(PROTO_ROOT, "federation", "v1", "*.proto")))
    subprocess.run(["protoc", f"-I{PROTO_ROOT}", f"--python_out={out}", f"--grpc_out={out}",
                    "--plugin=protoc-gen-grpc=" + shutil.which("grpc_python_plugin")] + protos, check=True)
    return out


def main():
    parser = argparse.ArgumentParser(description="VerifyPerson and PublicCheck against a Federation node over mutual TLS")
    parser.add_argument("--target", required=True, help="host:port as the node's certificate names it")
    parser.add_argument("--citizen-id", required=True)
    parser.add_argument("--certificate", required=True, help="就业失业登记证号 for the public check")
    parser.add_argument("--name", required=True, help="the holder's name as read from the certificate")
    parser.add_argument("--ca", default=os.environ.get("FEDERATION_CA"), help="the deployment CA (PEM)")
    parser.add_argument("--cert", default=os.environ.get("FEDERATION_CERT"), help="the account's certificate (PEM)")
    parser.add_argument("--key", default=os.environ.get("FEDERATION_KEY"), help="the account's private key (PEM)")
    args = parser.parse_args()
    if not (args.ca and args.cert and args.key):
        parser.error("--ca, --cert and --key (or FEDERATION_CA, FEDERATION_CERT, FEDERATION_KEY) are required")

    sys.path.insert(0, generate_stubs())
    import grpc
    from federation.v1 import verification_pb2, verification_pb2_grpc

    def read(path):
        with open(path, "rb") as f:
            return f.read()

    try:
        credentials = grpc.ssl_channel_credentials(root_certificates=read(args.ca), private_key=read(args.key),
                                                   certificate_chain=read(args.cert))
    except OSError as error:
        parser.error(f"cannot read {error.filename}: {error.strerror}")
    with grpc.secure_channel(args.target, credentials) as channel:
        stub = verification_pb2_grpc.VerificationStub(channel)
        try:
            person = stub.VerifyPerson(verification_pb2.VerifyPersonRequest(citizen_id=args.citizen_id), timeout=TIMEOUT_SECONDS)
            print(f"VerifyPerson: found={str(person.found).lower()}", end="")
            if person.found:
                state = verification_pb2.EmploymentState.Name(person.holder.employment_state)
                print(f" state={state} answered_by={person.provenance.answering_node}", end="")
                for source in person.provenance.sources:
                    freshness = verification_pb2.Freshness.Name(source.freshness)
                    print(f" source={'>'.join(source.route)}:{freshness}", end="")
            print()
            for unanswered in person.provenance.unanswered:
                print(f"  not asked / unanswered: {unanswered}")
            check = stub.PublicCheck(verification_pb2.PublicCheckRequest(certificate_number=args.certificate, name=args.name),
                                     timeout=TIMEOUT_SECONDS)
            print(f"PublicCheck: genuine={str(check.genuine).lower()}")
        except grpc.RpcError as error:
            code = error.code().name
            exit_code, meaning = ERRORS.get(code, (1, "调用失败: unexpected failure"))
            # The node's detail names the field and why; it never holds personal data.
            print(f"error {code}: {meaning}. Node said: {error.details()}", file=sys.stderr)
            return exit_code
    return 0


if __name__ == "__main__":
    sys.exit(main())
