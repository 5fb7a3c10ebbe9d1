#!/usr/bin/env bash
# Compares evento-ts's figures of one workload between a git ref and the working tree, measured
# side by side in one run: the two alternate, round after round, so that a change in the
# machine's load falls on both alike. Prints each round's figures, the medians and new/old.
#
#   bash bench/compare.sh <old-ref> [rounds] [bench arguments...]
#   bash bench/compare.sh HEAD~3 5 commands --store memory
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
OLD_REF="${1:?usage: bash bench/compare.sh <old-ref> [rounds] [bench arguments...]}"
ROUNDS="${2:-5}"
shift $(( $# >= 2 ? 2 : 1 ))
ARGS=("$@")
[ ${#ARGS[@]} -gt 0 ] || ARGS=(commands --store memory)

OLD_DIR="$(mktemp -d /tmp/evento-compare.XXXXXX)"
cleanup() { git -C "$ROOT" worktree remove --force "$OLD_DIR" >/dev/null 2>&1 || rm -rf "$OLD_DIR"; }
trap cleanup EXIT
git -C "$ROOT" worktree add --detach -q "$OLD_DIR" "$OLD_REF"
ln -s "$ROOT/node_modules" "$OLD_DIR/node_modules"

# One bench run in $1; prints "variant<TAB>cmd/s" for each evento-ts row of the table.
run() {
  (cd "$1" && npx ts-node --transpile-only -r tsconfig-paths/register bench/run.ts "${ARGS[@]}" --no-results 2>/dev/null) |
    awk -F'|' '$5 ~ /^ evento-ts $/ { gsub(/^ +| +$/, "", $3); split($6, t, " "); gsub(/,/, "", t[1]); print $3 "\t" t[1] }'
}

RESULTS="$(mktemp)"
for round in $(seq 1 "$ROUNDS"); do
  run "$OLD_DIR" | sed "s/^/old\t/" | tee -a "$RESULTS" | sed "s/^/round $round\t/"
  run "$ROOT" | sed "s/^/new\t/" | tee -a "$RESULTS" | sed "s/^/round $round\t/"
done

echo
echo "bench/compare.sh $OLD_REF $ROUNDS ${ARGS[*]}: medians of evento-ts's median throughput per run"
node -e '
const lines = require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n").map((l) => l.split("\t"));
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
for (const variant of [...new Set(lines.map((l) => l[1]))]) {
  const of = (side) => lines.filter((l) => l[0] === side && l[1] === variant).map((l) => Number(l[2]));
  const [o, n] = [median(of("old")), median(of("new"))];
  console.log(`${variant}: old ${o.toFixed(0)} cmd/s, new ${n.toFixed(0)} cmd/s, new/old ${(n / o).toFixed(3)}`);
}' "$RESULTS"
rm -f "$RESULTS"
