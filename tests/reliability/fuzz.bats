#!/usr/bin/env bats
# Issue 4, malformed input: seeded, reproducible generators of broken Procfiles and app.json files
# (fixtures/fuzz-gen), each handed to the plugin's post-extract as Dokku's per-deploy copy
# (fixtures/fuzz-case). REL_FUZZ_SEED, REL_FUZZ_CASES (per file kind) and REL_FUZZ_SECONDS (time
# budget per file kind) change the run; the table row says what was used.

load reliability_helper

setup_file() {
  rel_setup_file
  export FUZZ_APP
  FUZZ_APP="$(rel_app_name fuzz)"
  dokku apps:create "$FUZZ_APP" >/dev/null
}

teardown_file() {
  rel_teardown_file
}

setup() {
  rel_setup
}

teardown() {
  rel_teardown
}

# generates and runs the cases of KIND (procfile or appjson), two at a time, within the time budget
run_fuzz() {
  export FUZZ_KIND="$1"
  local seed="${REL_FUZZ_SEED:-20240401}" count="${REL_FUZZ_CASES:-120}" budget="${REL_FUZZ_SECONDS:-75}"
  local valid started elapsed ran passed failed skipped slowest
  export FUZZ_CASES="$HOST_ROOT/fuzz-$1-cases" FUZZ_RESULTS="$HOST_ROOT/fuzz-$1-results"
  mkdir -p "$FUZZ_CASES" "$FUZZ_RESULTS"
  perl "$REL_FIXTURES/fuzz-gen" "$1" "$seed" "$count" "$FUZZ_CASES"
  FUZZ_ALWAYS="$(cat "$FUZZ_CASES/kinds")"
  export FUZZ_ALWAYS
  valid="$HOST_ROOT/fuzz-valid"
  mkdir -p "$valid"
  # shellcheck disable=SC2016
  printf 'release: /app/bin/task release\nweb: httpd -f -p $PORT -h /app/public\n' >"$valid/Procfile"
  printf '{"name": "fuzz", "scripts": {"dokku": {"predeploy": "/app/bin/task predeploy"}}}\n' >"$valid/app.json"
  export FUZZ_VALID_PROCFILE="$valid/Procfile" FUZZ_VALID_APP_JSON="$valid/app.json"
  export FUZZ_PID_BASE=3900000
  [[ "$1" == procfile ]] || FUZZ_PID_BASE=3950000
  export FUZZ_DEADLINE=$(($(date +%s) + budget))

  started="$SECONDS"
  seq 1 "$count" | xargs -P 2 -n 1 "$REL_FIXTURES/fuzz-case" 3>&-
  elapsed=$((SECONDS - started))
  cat "$FUZZ_RESULTS"/* >"$HOST_ROOT/fuzz-$1.tsv"
  ran="$(awk -F'\t' '$3 != "skipped"' "$HOST_ROOT/fuzz-$1.tsv" | wc -l)"
  passed="$(awk -F'\t' '$3 == "pass"' "$HOST_ROOT/fuzz-$1.tsv" | wc -l)"
  failed="$(awk -F'\t' '$3 == "fail"' "$HOST_ROOT/fuzz-$1.tsv" | wc -l)"
  skipped="$(awk -F'\t' '$3 == "skipped"' "$HOST_ROOT/fuzz-$1.tsv" | wc -l)"
  slowest="$(sort -t$'\t' -k5,5nr "$HOST_ROOT/fuzz-$1.tsv" | head -n1 | cut -f5)"
  seen "seed $seed: $ran of $count cases ran in ${elapsed}s ($skipped left out by the ${budget}s budget; slowest ${slowest}s), $passed refused cleanly, $failed not"
  if [[ "$failed" -gt 0 ]]; then
    seen "failures by kind: $(awk -F'\t' '$3 == "fail" { print $2 }' "$HOST_ROOT/fuzz-$1.tsv" | sort | uniq -c | sed 's/^ *//' | paste -sd, -)"
    seen "first: $(awk -F'\t' '$3 == "fail" { print "#" $1 " " $2 ": " $4; exit }' "$HOST_ROOT/fuzz-$1.tsv")"
  fi
  assert_equal "$(wc -l <"$HOST_ROOT/fuzz-$1.tsv")" "$count"
  assert_equal "$failed" 0
  # bounded in time, but never vacuous: the first case of every kind runs whatever the budget
  assert [ "$FUZZ_ALWAYS" -ge 10 ]
  assert_equal "$(awk -F'\t' '$3 != "skipped" { print $2 }' "$HOST_ROOT/fuzz-$1.tsv" | sort -u | wc -l)" "$FUZZ_ALWAYS"
  # a refused post-extract records nothing
  assert_equal "$(rel_sql "SELECT count(*) FROM deploys WHERE app = '$FUZZ_APP'")" 0
}

@test "fuzzed malformed Procfiles: post-extract refuses each with a message naming the file, no stack trace, files untouched" {
  rel_row "generated malformed Procfiles (random bytes, huge lines and names, duplicates, invalid UTF-8, bad names, missing commands, NUL)" \
    "each: non-zero exit, a ' !     ' line naming the per-deploy file, no Java stack trace, Procfile and app.json copies byte for byte unchanged"
  run_fuzz procfile
}

@test "fuzzed malformed app.json files: post-extract refuses each with a message naming the file, no stack trace, files untouched" {
  rel_row "generated malformed app.json files (random bytes, deep nesting, huge lines, wrong types for scripts.dokku.predeploy, invalid UTF-8, truncation, trailing garbage, comments)" \
    "each: non-zero exit, a ' !     ' line naming the per-deploy file, no Java stack trace, Procfile and app.json copies byte for byte unchanged"
  run_fuzz appjson
}
