#!/usr/bin/env bash
# Bootstrap for Unlearn: builds what is needed (the solution, or the MSBuild tasks) and then runs the test suite
# (--target Test) or brings an experiment's MSBuild graph up to date (every other target).
#
#   ./build.sh                                   run the default experiment end to end
#   ./build.sh --target Test                     build everything and run every test project
#   ./build.sh --target Build                    build only
#   ./build.sh --target Saliency --experiment chair-3B [--force Saliency] [--verbosity normal]
#   ./build.sh --target Status|Verify|Clean --experiment NAME   what would rerun / re-hash artefacts / drop the view
#   ./build.sh --list                            experiments and targets
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$ROOT"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
export DOTNET_CLI_WORKLOAD_UPDATE_NOTIFY_DISABLE=1 MSBUILDDISABLENODEREUSE=1

TARGET="Evaluate"
EXPERIMENT="play-stories260K"
FORCE=""
VERBOSITY="minimal"
LIST=0
ALLOW_OUTSIDE=0
CONFIGURATION="Release"

die() { echo "build.sh: $*" >&2; exit 2; }

usage() {
  sed -n '2,10p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

while [ $# -gt 0 ]; do
  case "$1" in
    --target|-t) [ $# -ge 2 ] || die "--target needs a value"; TARGET="$2"; shift 2 ;;
    --target=*) TARGET="${1#*=}"; shift ;;
    --experiment|-e) [ $# -ge 2 ] || die "--experiment needs a value"; EXPERIMENT="$2"; shift 2 ;;
    --experiment=*) EXPERIMENT="${1#*=}"; shift ;;
    --force) [ $# -ge 2 ] || die "--force needs a target name"; FORCE="${FORCE:+$FORCE,}$2"; shift 2 ;;
    --force=*) FORCE="${FORCE:+$FORCE,}${1#*=}"; shift ;;
    --verbosity|-v) [ $# -ge 2 ] || die "--verbosity needs a value"; VERBOSITY="$2"; shift 2 ;;
    --allow-outside) ALLOW_OUTSIDE=1; shift ;;
    --list) LIST=1; shift ;;
    --help|-h) usage; exit 0 ;;
    *) die "unknown argument '$1' (see ./build.sh --help)" ;;
  esac
done

# --- the .NET 10 SDK -------------------------------------------------------------------------
if ! command -v dotnet >/dev/null 2>&1; then
  echo "build.sh: the .NET SDK was not found on PATH." >&2
  echo "Install the .NET 10 SDK (https://dotnet.microsoft.com/download/dotnet/10.0) and run this again." >&2
  exit 3
fi
if ! dotnet --list-sdks 2>/dev/null | grep -Eq '^(1[0-9])\.'; then
  echo "build.sh: the .NET 10 SDK is required; this machine has:" >&2
  dotnet --list-sdks >&2 || true
  echo "Install the .NET 10 SDK (https://dotnet.microsoft.com/download/dotnet/10.0) and run this again." >&2
  exit 3
fi

build_solution() {
  echo "==> Building Unlearn.sln ($CONFIGURATION)"
  dotnet build "$ROOT/Unlearn.sln" -c "$CONFIGURATION" -nologo -v quiet -clp:NoSummary -nodeReuse:false
}

# --- tests -------------------------------------------------------------------------------------
# Runs every test project and prints "N passed, N failed[, N skipped]" as its last line. The counts
# come from the TRX files the runs write; a test host that crashed without writing one counts as a failure.
run_tests() {
  build_solution
  local results="$ROOT/artifacts/test-results"
  rm -rf "$results"
  mkdir -p "$results"
  echo "==> Running tests"
  local status=0
  dotnet test "$ROOT/Unlearn.sln" -c "$CONFIGURATION" --no-build -nologo -nodeReuse:false \
    --logger "trx" --logger "console;verbosity=minimal" --results-directory "$results" || status=$?
  local passed=0 failed=0 skipped=0 files=0
  while IFS= read -r trx; do
    files=$((files + 1))
    local counters
    counters="$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)"
    local total executed p f
    total="$(sed -n 's/.* total="\([0-9]*\)".*/\1/p' <<<"$counters")"
    executed="$(sed -n 's/.* executed="\([0-9]*\)".*/\1/p' <<<"$counters")"
    p="$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")"
    f="$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")"
    passed=$((passed + ${p:-0}))
    failed=$((failed + ${f:-0}))
    skipped=$((skipped + ${total:-0} - ${executed:-0}))
  done < <(find "$results" -name '*.trx' | sort)
  local projects
  projects="$(find "$ROOT/tests" -name '*.Tests.csproj' | wc -l)"
  if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
    echo "build.sh: dotnet test exited with $status but no test reported a failure (a test host crashed?)" >&2
    failed=1
  fi
  if [ "$files" -lt "$projects" ]; then
    echo "build.sh: $projects test projects but only $files result files: a test host did not finish" >&2
    failed=$((failed + projects - files))
  fi
  echo "Test results: $results"
  if [ "$skipped" -gt 0 ]; then
    echo "$passed passed, $failed failed, $skipped skipped"
  else
    echo "$passed passed, $failed failed"
  fi
  [ "$failed" -eq 0 ]
}

# --- the experiment graph ----------------------------------------------------------------------
# Builds only what the graph needs (the MSBuild tasks and the library under them), then runs
# build/Unlearn.proj. Targets: the stages, Status, Verify, Clean, List (see docs/graph.md).
run_graph() {
  local proj="$ROOT/build/Unlearn.proj"
  [ -f "$proj" ] || die "build/Unlearn.proj is missing: the experiment graph is not part of this checkout"
  # A no-op rebuild should cost next to nothing: skip `dotnet build` (5+ s even when nothing changed) when no
  # source, project or props file is newer than the stamp the last successful build of the tasks left.
  local stamp="$ROOT/artifacts/.tasks-build-$CONFIGURATION.stamp"
  local dll="$ROOT/tasks/Unlearn.Tasks/bin/$CONFIGURATION/net10.0/Unlearn.Tasks.dll"
  local changed=""
  if [ -f "$stamp" ] && [ -f "$dll" ]; then
    changed="$(find "$ROOT/src" "$ROOT/tasks" "$ROOT/Directory.Build.props" "$ROOT/Directory.Packages.props" \
      \( -path '*/bin' -o -path '*/obj' \) -prune -o \
      \( -name '*.cs' -o -name '*.csproj' -o -name '*.props' -o -name '*.targets' -o -name '*.json' \) \
      -newer "$stamp" -print -quit 2>/dev/null)"
  fi
  if [ -f "$stamp" ] && [ -f "$dll" ] && [ -z "$changed" ]; then
    echo "==> The Unlearn MSBuild tasks are up to date"
  else
    echo "==> Building the Unlearn MSBuild tasks ($CONFIGURATION)"
    dotnet build "$ROOT/tasks/Unlearn.Tasks/Unlearn.Tasks.csproj" -c "$CONFIGURATION" -nologo -v quiet -clp:NoSummary -nodeReuse:false
    mkdir -p "$ROOT/artifacts"
    touch "$stamp"
  fi
  local args=(-nologo -nodeReuse:false "-v:$VERBOSITY" "-p:Experiment=$EXPERIMENT" "-p:RepositoryRoot=$ROOT"
              "-p:UnlearnTasksConfiguration=$CONFIGURATION")
  # Stage names are joined with ',' because ';' separates properties on the MSBuild command line.
  [ -n "$FORCE" ] && args+=("-p:Force=$FORCE")
  [ "$ALLOW_OUTSIDE" -eq 1 ] && args+=("-p:AllowOutside=true")
  if [ "$LIST" -eq 1 ]; then
    dotnet msbuild "$proj" -t:List "${args[@]}"
  else
    dotnet msbuild "$proj" "-t:$TARGET" "${args[@]}"
  fi
}

case "$TARGET" in
  Build) if [ "$LIST" -eq 1 ]; then run_graph; else build_solution; fi ;;
  Test) run_tests ;;
  *) run_graph ;;
esac
