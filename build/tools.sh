# Sourced by ./build.sh and ./unlearn: builds the two tools a checkout runs, the MSBuild tasks of the experiment graph
# (tasks/Unlearn.Tasks) and the `unlearn` command (src/Unlearn.Cli), in one `dotnet build` of build/tools.slnf, and
# skips that (5+ s even when nothing changed) when no source, project or props file is newer than the stamp the last
# successful build left. Expects ROOT and CONFIGURATION; defines tools_stale, build_tools and the tool paths.

TASKS_DLL="$ROOT/tasks/Unlearn.Tasks/bin/$CONFIGURATION/net10.0/Unlearn.Tasks.dll"
CLI_DLL="$ROOT/src/Unlearn.Cli/bin/$CONFIGURATION/net10.0/unlearn.dll"
TOOLS_STAMP="$ROOT/artifacts/.tools-build-$CONFIGURATION.stamp"

# True (0) when the tools must be built: a binary or the stamp is missing, or a source is newer than the stamp.
tools_stale() {
  [ -f "$TOOLS_STAMP" ] && [ -f "$TASKS_DLL" ] && [ -f "$CLI_DLL" ] || return 0
  local changed
  changed="$(find "$ROOT/src" "$ROOT/tasks" "$ROOT/Directory.Build.props" "$ROOT/Directory.Packages.props" "$ROOT/build/tools.slnf" \
    \( -path '*/bin' -o -path '*/obj' \) -prune -o \
    \( -name '*.cs' -o -name '*.csproj' -o -name '*.props' -o -name '*.targets' -o -name '*.json' -o -name '*.slnf' \) \
    -newer "$TOOLS_STAMP" -print -quit 2>/dev/null)"
  [ -n "$changed" ]
}

# Builds both tools; "$@" is the command that runs dotnet (build.sh passes its signal-forwarding runner).
build_tools() {
  "$@" dotnet build "$ROOT/build/tools.slnf" -c "$CONFIGURATION" -nologo -v quiet -clp:NoSummary -nodeReuse:false || return $?
  mkdir -p "$ROOT/artifacts"
  touch "$TOOLS_STAMP"
}
