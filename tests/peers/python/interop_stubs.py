"""Generates Python stubs for the grpc.testing protos (and health/reflection) with Debian's
protoc + grpc_python_plugin, on first use, into ./gen (git-ignored).

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
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
GEN = os.path.join(HERE, "gen")
PROTO_ROOTS = [
    os.path.join(ROOT, "tests", "Federation.Interop", "Protos"),
    os.path.join(ROOT, "proto"),
]
PROTOS = [
    "grpc/testing/empty.proto",
    "grpc/testing/messages.proto",
    "grpc/testing/test.proto",
    "grpc/health/v1/health.proto",
    "grpc/reflection/v1/reflection.proto",
    "grpc/reflection/v1alpha/reflection.proto",
]


def _newest_source():
    newest = 0.0
    for proto in PROTOS:
        for root in PROTO_ROOTS:
            path = os.path.join(root, proto)
            if os.path.exists(path):
                newest = max(newest, os.path.getmtime(path))
    return newest


def ensure_stubs():
    marker = os.path.join(GEN, ".stamp")
    if os.path.exists(marker) and os.path.getmtime(marker) >= _newest_source():
        sys.path.insert(0, GEN)
        return
    for tool in ("protoc", "grpc_python_plugin"):
        if shutil.which(tool) is None:
            sys.exit(f"{tool} not found: install it with 'apt-get install -y protobuf-compiler protobuf-compiler-grpc'")
    tmp = GEN + ".tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(tmp)
    args = ["protoc"] + [f"-I{root}" for root in PROTO_ROOTS] + [
        f"--python_out={tmp}", f"--grpc_out={tmp}", "--plugin=protoc-gen-grpc=" + shutil.which("grpc_python_plugin")] + PROTOS
    subprocess.run(args, check=True)
    os.rename(os.path.join(tmp, "grpc"), os.path.join(tmp, "grpcgen"))
    for directory, _, files in os.walk(tmp):
        for name in files:
            if name.endswith(".py"):
                path = os.path.join(directory, name)
                with open(path, encoding="utf-8") as f:
                    text = f.read()
                text = re.sub(r"^from grpc\.(testing|health|reflection)", r"from grpcgen.\1", text, flags=re.M)
                with open(path, "w", encoding="utf-8") as f:
                    f.write(text)
    for directory, _, _ in os.walk(tmp):
        open(os.path.join(directory, "__init__.py"), "a").close()
    shutil.rmtree(GEN, ignore_errors=True)
    os.rename(tmp, GEN)
    open(marker, "w").close()
    sys.path.insert(0, GEN)
