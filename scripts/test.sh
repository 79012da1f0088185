#!/usr/bin/env bash
# The test command (README): installs and starts PostgreSQL and Redis on loopback, runs every
# test project, and ends with one line "N passed, N failed" (totals over all projects).
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

export XCHAT_SERVICES_DIR="${XCHAT_SERVICES_DIR:-$(mktemp -d /tmp/xchat-test-services.XXXXXX)}"
export XCHAT_PG_PORT="${XCHAT_PG_PORT:-55432}"
export XCHAT_REDIS_PORT="${XCHAT_REDIS_PORT:-56379}"
stop_services() { "$root/scripts/services.sh" stop >/dev/null 2>&1 || true; }
"$root/scripts/services.sh" start || { echo "could not start PostgreSQL and Redis" >&2; stop_services; echo "0 passed, 1 failed"; exit 1; }
trap stop_services EXIT

export XCHAT_TEST_POSTGRES="Host=127.0.0.1;Port=${XCHAT_PG_PORT};Username=postgres;Database=postgres"
export XCHAT_TEST_REDIS="127.0.0.1:${XCHAT_REDIS_PORT}"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

results="$(mktemp -d /tmp/xchat-test-results.XXXXXX)"
status=0
dotnet build XChat.Orleans.sln -c Release -nologo -v q || { echo "build failed" >&2; stop_services; echo "0 passed, 1 failed"; exit 1; }
# One project at a time: the timing-sensitive tests (timeouts, failover) get the machine's two
# cores to themselves, and each project writes its own results file.
for project in tests/*/*.Tests.csproj; do
  name="$(basename "$project" .csproj)"
  # A hung test host is killed (and its tests count as failed) instead of eating the CI budget.
  dotnet test "$project" -c Release --no-build -nologo --blame-hang-timeout 10m \
    --logger "trx;LogFileName=${name}.trx" --results-directory "$results" "$@" || status=$?
done

passed=0; failed=0
for f in "$results"/*.trx; do
  [[ -f "$f" ]] || continue
  p=$(grep -o '<UnitTestResult [^>]*outcome="Passed"' "$f" | wc -l)
  q=$(grep -o '<UnitTestResult [^>]*outcome="Failed"' "$f" | wc -l)
  passed=$((passed + p)); failed=$((failed + q))
done
if [[ $status -ne 0 && $failed -eq 0 ]]; then failed=1; fi   # a crashed test host counts as a failure
stop_services   # before the summary, so the summary is the last line printed
echo "${passed} passed, ${failed} failed"
exit $status
