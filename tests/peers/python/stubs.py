"""Generates Python stubs for the standard gRPC health and reflection protos with Debian's protoc
+ grpc_python_plugin, on first use, into ./gen (git-ignored). The node's own federation.v1 API is
NOT compiled here: node_client.py learns it from the node through server reflection, as an
agency's script without our .proto files would.

The generated modules live in a package named "grpc/..." (the protos' import paths), which would
shadow the grpc library itself, so the package is renamed to "grpcgen" and imports rewritten.
Run only with /usr/bin/python3: Debian's python3-grpcio is importable only there.
"""
import os
import re
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
PROTO_ROOT = os.path.abspath(os.path.join(HERE, "..", "protos"))
GEN = os.path.join(HERE, "gen")
PROTOS = ["grpc/health/v1/health.proto", "grpc/reflection/v1/reflection.proto"]


def _newest_source():
    return max(os.path.getmtime(os.path.join(PROTO_ROOT, proto)) for proto in PROTOS)


def ensure_stubs():
    marker = os.path.join(GEN, ".stamp")
    if not (os.path.exists(marker) and os.path.getmtime(marker) >= _newest_source()):
        _generate(marker)
    sys.path.insert(0, GEN)


def _generate(marker):
    for tool in ("protoc", "grpc_python_plugin"):
        if shutil.which(tool) is None:
            sys.exit(f"{tool} not found: install it with 'apt-get install -y protobuf-compiler protobuf-compiler-grpc'")
    tmp = f"{GEN}.tmp.{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(tmp)
    args = ["protoc", f"-I{PROTO_ROOT}", f"--python_out={tmp}", f"--grpc_out={tmp}",
            "--plugin=protoc-gen-grpc=" + shutil.which("grpc_python_plugin")] + PROTOS
    subprocess.run(args, check=True)
    os.rename(os.path.join(tmp, "grpc"), os.path.join(tmp, "grpcgen"))
    for directory, _, files in os.walk(tmp):
        open(os.path.join(directory, "__init__.py"), "a").close()
        for name in files:
            if name.endswith(".py"):
                path = os.path.join(directory, name)
                with open(path, encoding="utf-8") as f:
                    text = f.read()
                text = re.sub(r"^from grpc\.(health|reflection)", r"from grpcgen.\1", text, flags=re.M)
                with open(path, "w", encoding="utf-8") as f:
                    f.write(text)
    open(os.path.join(tmp, ".stamp"), "w").close()
    # Tests run in parallel: whoever renames first wins, the others use its result.
    try:
        shutil.rmtree(GEN, ignore_errors=True)
        os.rename(tmp, GEN)
    except OSError:
        shutil.rmtree(tmp, ignore_errors=True)
