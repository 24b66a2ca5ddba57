#!/usr/bin/env bash
# Binary sizes with docklean's build (CGO_ENABLED=0) and with -trimpath and
# -ldflags="-s -w": bash sizes.sh OWNER+NAME:PKG ... (clones in $GOPROJECTS,
# default /work/goprojects; binaries in /tmp/sizes)
set -u
for spec in "$@"; do
  d=${spec%%:*}; pkg=${spec#*:}
  cd "${GOPROJECTS:-/work/goprojects}/$d" || continue
  out=/tmp/sizes/$d; mkdir -p $out
  row="$d"
  for v in plain trimpath sw both; do
    case $v in plain) f=();; trimpath) f=(-trimpath);; sw) f=(-ldflags=-s\ -w);; both) f=(-trimpath -ldflags=-s\ -w);; esac
    if CGO_ENABLED=0 GOFLAGS=-mod=mod GOTOOLCHAIN=local go build "${f[@]}" -o $out/$v $pkg 2>$out/$v.err; then
      row="$row	$(stat -c %s $out/$v)"
    else
      row="$row	FAIL"
    fi
  done
  echo "$row"
done
