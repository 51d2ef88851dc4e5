// The `unlearn` command's exit codes are the project's (Unlearn.Experiments.Graph.ExitCodes, shared with build.sh and
// the MSBuild graph; docs/cli.md): 0 success, 1 a failed check, 2 usage error, 3 bad input, 4 internal error.
global using ExitCodes = Unlearn.Experiments.Graph.ExitCodes;
