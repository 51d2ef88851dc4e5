// Runs the BenchmarkDotNet suites of this folder; pass BenchmarkDotNet arguments (e.g. --filter '*Tokenizer*').
using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
