# Shared by the data benchmarks (bench/store, bench/exchange): sourced, not run.
# Installs the baseline tools when missing and builds the node and the generator in Release.
# Sets: node_dll, gen_dll.
command -v sqlite3 >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq sqlite3 >/dev/null; }
[ -x /usr/bin/time ] || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >/dev/null; }
echo "building..." >&2
dotnet build "$root/src/Node" -c Release --nologo -v quiet -clp:NoSummary >&2
dotnet build "$root/src/DataGen" -c Release --nologo -v quiet -clp:NoSummary >&2
node_dll="$root/src/Node/bin/Release/net10.0/Federation.Node.dll"
gen_dll="$root/src/DataGen/bin/Release/net10.0/Federation.DataGen.dll"
