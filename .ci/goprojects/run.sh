#!/usr/bin/env bash
# Runs `docklean verify --only go-multistage` on the public single-stage Go
# projects listed in projects.tsv (repo, commit, Dockerfile path, probe).
# The repositories are kept OUTSIDE this repository: DIR (default
# /work/goprojects) holds one clone per project, named owner+name, checked
# out at the listed commit. Base images are the local stand-ins (verify's
# e2e suite makes golang:1.26 and alpine:3.24); the golang tags a project
# names are tagged onto the golang:1.26 stand-in when absent (no registry).
# Output: one JSON report per project in DIR/reports/, and a TSV summary on
# standard output. Usage: bash .ci/goprojects/run.sh [DIR] [NAME-FILTER] [LIST]
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
dir=${1:-/work/goprojects}
filter=${2:-}
list=${3:-$here/projects.tsv}
mkdir -p "$dir/reports"
bin="$dir/docklean"
(cd "$root" && go build -o "$bin" ./cmd/docklean) || exit 1
printf 'repo\tbuild_before\tbuild_after\tsame_run\tsize_before\tsize_after\tfindings\n'
grep -v "^#" "$list" | while IFS=$'\t' read -r repo commit df probe; do
  [[ -n "$filter" && "$repo" != *"$filter"* ]] && continue
  name=${repo/\//+}
  src="$dir/$name"
  if [[ ! -d "$src" ]]; then
    echo "missing clone $src (git clone https://github.com/$repo $src)" >&2
    continue
  fi
  git -C "$src" checkout -q "$commit" 2>/dev/null || echo "$repo: checkout of $commit incomplete (snapshot lacks large files); using the tree as it is" >&2
  # Tag the golang image the Dockerfile names onto the stand-in.
  for img in $(awk 'toupper($1)=="FROM"{for(i=2;i<=NF;i++) if($i !~ /^--/){print $i; break}}' "$src/$df"); do
    case "$img" in golang*) [[ "$img" == *:* ]] || img="$img:latest"
      docker image inspect "$img" >/dev/null 2>&1 || docker tag golang:1.26 "$img";; esac
  done
  "$bin" -v --only go-multistage "$src/$df" 2>"$dir/reports/$name.findings" >"$dir/reports/$name.Dockerfile"
  if cmp -s "$src/$df" "$dir/reports/$name.Dockerfile"; then
    # Refused: nothing to compare (verify would build the original twice).
    printf '%s\trefused\t\t\t\t\t%s\n' "$repo" "$(sed -n "s/^.*: go-multistage: //p" "$dir/reports/$name.findings" | tr '\n' ' ')"
    continue
  fi
  args=(verify --only go-multistage --json --timeout 20s)
  [[ "$probe" == http* ]] && args+=(--http "${probe#http }")
  "$bin" "${args[@]}" "$src/$df" >"$dir/reports/$name.json" 2>"$dir/reports/$name.err"
  python3 "$here/summary.py" "$repo" "$dir/reports/$name.json" "$dir/reports/$name.findings"
done
