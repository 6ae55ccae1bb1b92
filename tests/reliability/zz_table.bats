#!/usr/bin/env bats
# Runs last (files run in name order): prints the table of every fault and attack the reliability
# files of this bats run tried, built from what their tests observed, failures included.

load reliability_helper

setup_file() {
  export REL_RESULTS="$BATS_RUN_TMPDIR/reliability-results.tsv"
  touch "$REL_RESULTS"
}

teardown_file() {
  rel_print_table "$REL_RESULTS" >&3
}

@test "every reliability test that ran recorded its row in the table" {
  local file expected recorded missing=()
  run cut -f1 "$REL_RESULTS"
  assert [ "${#lines[@]}" -gt 0 ]
  while read -r file; do
    expected="$(grep -c '^@test ' "$BATS_TEST_DIRNAME/$file")"
    recorded="$(awk -F'\t' -v f="$file" '$1 == f' "$REL_RESULTS" | wc -l)"
    [[ "$recorded" -eq "$expected" ]] || missing+=("$file: $recorded of $expected tests recorded")
  done < <(cut -f1 "$REL_RESULTS" | sort -u)
  assert_equal "${missing[*]}" ""
}
