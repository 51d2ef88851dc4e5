// Side by side: SHA-256 of one large file by Unlearn's FileHasher (overlapped 4 MiB reads + OpenSSL's
// SHA-256 through .NET), `openssl dgst -sha256` and coreutils `sha256sum`, in the same run, plus the
// hash memo's answer for the unchanged file.
//   dotnet run -c Release --project tests/Unlearn.Benchmarks -- compare hash [--file PATH] [--size-mb 2048] [--repeat 3]
// Without --file a file of random bytes is created in /tmp (and removed afterwards). The page cache is
// warm after the first pass; the best of --repeat passes is reported for each tool.
using System.Diagnostics;
using System.Globalization;
using Unlearn.Experiments.Hashing;

namespace Unlearn.Benchmarks;

public sealed class HashingSideBySide : ISideBySide
{
    public string Name => "hash";

    public string Description => "SHA-256 of a large file: FileHasher vs openssl dgst vs sha256sum; memo hit";

    public int Run(IReadOnlyList<string> arguments, TextWriter output)
    {
        var file = Option(arguments, "--file");
        var sizeMb = int.Parse(Option(arguments, "--size-mb") ?? "2048", CultureInfo.InvariantCulture);
        var repeat = int.Parse(Option(arguments, "--repeat") ?? "3", CultureInfo.InvariantCulture);
        var created = file is null;
        file ??= CreateRandomFile(sizeMb);
        try
        {
            var bytes = new FileInfo(file).Length;
            output.WriteLine($"file: {file} ({bytes / 1e9:0.00} GB), best of {repeat}, machine: {Environment.ProcessorCount} cores");
            output.WriteLine($"{"tool",-22} {"seconds",8} {"GB/s",6}  sha256");
            var (ours, ourDigest) = Best(repeat, () => FileHasher.Sha256(file));
            output.WriteLine($"{"Unlearn FileHasher",-22} {ours,8:0.000} {bytes / 1e9 / ours,6:0.00}  {ourDigest}");
            foreach (var (tool, command, argument) in new[] { ("openssl dgst -sha256", "openssl", "dgst -sha256 -r"), ("sha256sum", "sha256sum", "") })
            {
                var (seconds, digest) = Best(repeat, () => External(command, $"{argument} {file}".Trim()));
                var match = digest == ourDigest ? "" : "  (DIFFERENT DIGEST)";
                output.WriteLine(double.IsNaN(seconds)
                    ? $"{tool,-22} not installed"
                    : $"{tool,-22} {seconds,8:0.000} {bytes / 1e9 / seconds,6:0.00}  {digest}{match}");
            }
            var memoPath = Path.Combine(Path.GetTempPath(), $"unlearn-bench-memo-{Environment.ProcessId}.json");
            try
            {
                File.SetLastWriteTimeUtc(file, DateTime.UtcNow.AddMinutes(-5));
                var memo = new HashMemo(memoPath);
                memo.Sha256(file);
                memo.Save();
                var (hit, _) = Best(repeat, () => new HashMemo(memoPath).Sha256(file));
                output.WriteLine($"{"memo hit (unchanged)",-22} {hit,8:0.000}");
            }
            finally
            {
                File.Delete(memoPath);
            }
            return bytes / 1e9 / ours >= 1.0 ? 0 : 1;
        }
        finally
        {
            if (created)
            {
                File.Delete(file);
            }
        }
    }

    private static (double Seconds, string Digest) Best(int repeat, Func<string> hash)
    {
        var best = double.MaxValue;
        var digest = "";
        for (var i = 0; i < repeat; i++)
        {
            var clock = Stopwatch.StartNew();
            digest = hash();
            if (digest.Length == 0)
            {
                return (double.NaN, "");
            }
            best = Math.Min(best, clock.Elapsed.TotalSeconds);
        }
        return (best, digest);
    }

    private static string External(string command, string arguments)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(command, arguments) { RedirectStandardOutput = true, UseShellExecute = false })!;
            var text = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            return process.ExitCode == 0 ? text.Split(' ')[0].Trim() : "";
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "";
        }
    }

    private static string CreateRandomFile(int sizeMb)
    {
        var path = Path.Combine(Path.GetTempPath(), $"unlearn-bench-{Environment.ProcessId}.bin");
        var buffer = new byte[1 << 20];
        var random = new Random(42);
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write);
        for (var i = 0; i < sizeMb; i++)
        {
            random.NextBytes(buffer);
            stream.Write(buffer);
        }
        return path;
    }

    private static string? Option(IReadOnlyList<string> arguments, string name)
    {
        var index = arguments.ToList().IndexOf(name);
        return index >= 0 && index + 1 < arguments.Count ? arguments[index + 1] : null;
    }
}
