using BenchmarkDotNet.Running;

// Runs the benchmarks chosen on the command line, e.g. `-- --filter '*'` (see benchmarks/README.md).
BenchmarkSwitcher.FromAssembly(typeof(XChat.Crypto.Benchmarks.CryptoBenchmarks).Assembly).Run(args);
