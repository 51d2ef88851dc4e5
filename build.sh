#!/usr/bin/env bash
# Bootstrap for Unlearn: builds what is needed (the solution, or the MSBuild tasks and the `unlearn` command) and then
# runs the test suite (--target Test) or brings an experiment's MSBuild graph up to date (every other target).
#
#   ./build.sh                                   run the default experiment (play-stories260K) end to end
#   ./build.sh --target Check                    ... then compare its metrics with the experiment's expect: bounds
#   ./build.sh --target Saliency --experiment chair-3B [--force Saliency] [--verbosity normal]
#   ./build.sh --target Status|Verify|Clean --experiment NAME   what would rerun / re-hash artefacts / drop the view
#   ./build.sh --target Test                     build everything and run every test project
#   ./build.sh --target Build                    build only
#   ./build.sh --list                            experiments (name, file, description) and targets
# Options: --experiment NAME or path/to.yaml; --force STAGE (repeatable); --set KEY=VALUE (repeatable; a setting on top
# of the file, validated and keyed as if written there, e.g. --set saliency.method=random); --allow-outside (accept
# paths that leave the repository, symbolic links included); --verbosity quiet|minimal|normal|detailed; -- ARGS (MSBuild).
# Afterwards: ./unlearn VERB (the command line, built alongside; ./unlearn --help).
# Exit codes: 0 success, 1 a check failed, 2 usage error, 3 bad input, 4 internal error, 128+N stopped by signal N.
# SIGINT or SIGTERM stops the build within seconds; the stage in progress keeps nothing, and the next build reruns it
# (Repair resumes from its checkpoint).
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
EXTRA=()
SETS=()

die() { echo "build.sh: $*" >&2; exit 2; }

usage() {
  sed -n '2,18p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

while [ $# -gt 0 ]; do
  case "$1" in
    --target|-t) [ $# -ge 2 ] || die "--target needs a value"; TARGET="$2"; shift 2 ;;
    --target=*) TARGET="${1#*=}"; shift ;;
    --experiment|-e) [ $# -ge 2 ] || die "--experiment needs a value"; EXPERIMENT="$2"; shift 2 ;;
    --experiment=*) EXPERIMENT="${1#*=}"; shift ;;
    --force) [ $# -ge 2 ] || die "--force needs a target name"; FORCE="${FORCE:+$FORCE%3B}$2"; shift 2 ;;
    --force=*) FORCE="${FORCE:+$FORCE%3B}${1#*=}"; shift ;;
    --verbosity|-v) [ $# -ge 2 ] || die "--verbosity needs a value"; VERBOSITY="$2"; shift 2 ;;
    --allow-outside) ALLOW_OUTSIDE=1; shift ;;
    --set) [ $# -ge 2 ] || die "--set needs KEY=VALUE (e.g. --set saliency.C=0.5)"; SETS+=("$2"); shift 2 ;;
    --set=*) SETS+=("${1#*=}"); shift ;;
    --list) LIST=1; shift ;;
    --help|-h) usage; exit 0 ;;
    --) shift; EXTRA=("$@"); break ;;
    *) die "unknown argument '$1' (see ./build.sh --help)" ;;
  esac
done

# --- the target ---------------------------------------------------------------------------------
# The public targets are those of build/Unlearn.proj whose names do not start with '_', plus Test and Build.
TARGETS=(Build Test)
if [ -f "$ROOT/build/Unlearn.proj" ]; then
  while IFS= read -r name; do TARGETS+=("$name"); done < <(sed -n 's/.*<Target Name="\([A-Z][A-Za-z]*\)".*/\1/p' "$ROOT/build/Unlearn.proj")
fi
known_target=0
for name in "${TARGETS[@]}"; do [ "$name" = "$TARGET" ] && known_target=1; done
if [ "$known_target" -eq 0 ]; then
  hint=""
  for name in "${TARGETS[@]}"; do
    if [ "${name,,}" = "${TARGET,,}" ] || { [ ${#TARGET} -ge 3 ] && [[ "${name,,}" == "${TARGET,,}"* ]]; }; then hint=" Did you mean '$name'?"; break; fi
  done
  die "unknown target '$TARGET'.$hint Targets: ${TARGETS[*]}"
fi

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

# --- stopping when told --------------------------------------------------------------------------
# Each dotnet command runs as a child of this script, so that a signal to build.sh's PID (not only a Ctrl-C to the
# whole terminal group) reaches it: the trap forwards SIGINT (MSBuild then cancels the running stage, which discards
# its partial output), then SIGTERM after 3 s and SIGKILL after 4.5 s if the child is still there. A background child
# would ignore SIGINT (bash sets that for jobs without job control); env --default-signal restores it where coreutils has it.
CHILD=""
ESCALATION=""
STOPPED_BY=""
if env --default-signal=INT true >/dev/null 2>&1; then RESTORE_INT=(env --default-signal=INT); else RESTORE_INT=(env); fi

stop_child() {
  STOPPED_BY="$1"
  if [ -z "$CHILD" ]; then
    echo "build.sh: stopped by SIG$1" >&2
    exit $((128 + $(signal_number "$1")))
  fi
  echo "build.sh: SIG$1: stopping the build (the stage in progress keeps nothing; the next build reruns it)" >&2
  kill -INT "$CHILD" 2>/dev/null || true
  if [ -z "$ESCALATION" ]; then
    ( sleep 3; kill -TERM "$CHILD" 2>/dev/null; sleep 1.5; kill -KILL "$CHILD" 2>/dev/null ) >/dev/null 2>&1 &
    ESCALATION=$!
  fi
}
signal_number() { if [ "$1" = "TERM" ]; then echo 15; else echo 2; fi; }
trap 'stop_child INT' INT
trap 'stop_child TERM' TERM

# Runs "$@" as a child and returns its exit status; after a signal, exits with 128 + the signal's number.
run() {
  # exec: $! is then the dotnet process itself, not a subshell waiting for it.
  ( exec "${RESTORE_INT[@]}" "$@" ) &
  CHILD=$!
  local status=0
  while :; do
    status=0
    wait "$CHILD" || status=$?
    # wait also returns when a trapped signal arrives; the child may still be running then.
    kill -0 "$CHILD" 2>/dev/null || break
  done
  CHILD=""
  if [ -n "$ESCALATION" ]; then kill "$ESCALATION" 2>/dev/null || true; wait "$ESCALATION" 2>/dev/null || true; ESCALATION=""; fi
  if [ -n "$STOPPED_BY" ]; then
    echo "build.sh: stopped by SIG$STOPPED_BY" >&2
    exit $((128 + $(signal_number "$STOPPED_BY")))
  fi
  return "$status"
}

build_solution() {
  echo "==> Building Unlearn.sln ($CONFIGURATION)"
  run dotnet build "$ROOT/Unlearn.sln" -c "$CONFIGURATION" -nologo -v quiet -clp:NoSummary -nodeReuse:false || exit 4
  mkdir -p "$ROOT/artifacts"
  touch "$TOOLS_STAMP"
}

# shellcheck source=build/tools.sh
. "$ROOT/build/tools.sh"

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
  run dotnet test "$ROOT/Unlearn.sln" -c "$CONFIGURATION" --no-build -nologo -nodeReuse:false \
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
  [ "$failed" -eq 0 ] || exit 1
}

# --- the experiment graph ----------------------------------------------------------------------
# Builds only what the graph needs (the MSBuild tasks, the `unlearn` command and the library under them), then runs
# build/Unlearn.proj. Targets: the stages, Check, Status, Verify, Clean, List (see docs/graph.md).
run_graph() {
  local proj="$ROOT/build/Unlearn.proj"
  [ -f "$proj" ] || die "build/Unlearn.proj is missing: the experiment graph is not part of this checkout"
  if tools_stale; then
    echo "==> Building the Unlearn MSBuild tasks and the unlearn command ($CONFIGURATION)"
    build_tools run || exit 4
  else
    echo "==> The Unlearn MSBuild tasks and the unlearn command are up to date"
  fi
  local exit_file
  exit_file="$(mktemp "${TMPDIR:-/tmp}/unlearn-exit.XXXXXX")"
  # shellcheck disable=SC2064
  trap "rm -f '$exit_file'" EXIT
  local args=(-nologo -nodeReuse:false "-v:$VERBOSITY" "-p:Experiment=$EXPERIMENT" "-p:RepositoryRoot=$ROOT"
              "-p:UnlearnTasksConfiguration=$CONFIGURATION" "-p:UnlearnExitCodeFile=$exit_file")
  # Stage names are joined with ',' because ';' separates properties on the MSBuild command line.
  [ -n "$FORCE" ] && args+=("-p:Force=$FORCE")
  [ "$ALLOW_OUTSIDE" -eq 1 ] && args+=("-p:AllowOutside=true")
  # --set KEY=VALUE reaches the tasks through the environment, one per line: YAML values hold ',' and ';', which the
  # MSBuild command line would split. Always exported (empty without --set), so a value left in the shell is ignored.
  local sets=""
  local item
  for item in ${SETS[@]+"${SETS[@]}"}; do
    case "$item" in *=*) ;; *) die "--set '$item' is not KEY=VALUE (e.g. --set saliency.C=0.5)" ;; esac
    sets="${sets:+$sets$'\n'}$item"
  done
  export UNLEARN_BUILD_SET="$sets"
  [ -n "$sets" ] && echo "==> On top of the experiment file (--set): ${SETS[*]}"
  local target="$TARGET"
  [ "$LIST" -eq 1 ] && target="List"
  local status=0
  run dotnet msbuild "$proj" "-t:$target" "${args[@]}" "${EXTRA[@]}" || status=$?
  if [ "$status" -ne 0 ]; then
    # The failing task recorded what went wrong (1 check, 2 usage, 3 bad input, 4 internal); MSBuild itself says 1.
    local code
    code="$(tr -dc '0-9' < "$exit_file" 2>/dev/null || true)"
    exit "${code:-4}"
  fi
  case "$target" in
    Status|Verify|Clean|List) ;;
    *) echo "The command line: ./unlearn VERB (./unlearn --help; docs/cli.md)" ;;
  esac
}

case "$TARGET" in
  Build) if [ "$LIST" -eq 1 ]; then run_graph; else build_solution; fi ;;
  Test) run_tests ;;
  *) run_graph ;;
esac
