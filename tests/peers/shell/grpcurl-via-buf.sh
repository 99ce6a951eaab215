# grpcurl is not installable here (no Debian or npm package), so the documentation tests run each
# grpcurl command the docs show through the same call in buf curl (npm @bufbuild/buf). Sourced by
# tests/Federation.Tests/Node/DocumentedCommandsTests.cs; it knows the flags the docs use and
# refuses any other, so a new grpcurl example fails the test until it is translated here too.
grpcurl() {
  local args=(curl --protocol grpc) scheme=https target="" method="" data='{}' list=""
  while [ $# -gt 0 ]; do
    case "$1" in
      -plaintext) scheme=http; args+=(--http2-prior-knowledge) ;;
      -cacert|-cert|-key) args+=("-$1" "$2"); shift ;;
      -H) args+=(-H "$2"); shift ;;
      -d) data="$2"; shift ;;
      list) list=1 ;;
      -*) echo "grpcurl (run through buf curl by the tests): option $1 has no translation in tests/peers/shell/grpcurl-via-buf.sh" >&2; return 2 ;;
      *) if [ -z "$target" ]; then target="$1"; else method="$1"; fi ;;
    esac
    shift
  done
  if [ -n "$list" ]; then
    buf "${args[@]}" --list-services "$scheme://$target"
  else
    buf "${args[@]}" -d "$data" "$scheme://$target/$method"
  fi
}
