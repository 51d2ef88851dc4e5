// Benchmarks entry point.
//   compare NAME [args]   run a side-by-side comparison (see ISideBySide implementations), e.g. "compare gemm"
//   compare --list        list them
//   anything else         handed to BenchmarkDotNet (e.g. --filter '*Tokenizer*')
using System.Reflection;
using BenchmarkDotNet.Running;
using Unlearn.Benchmarks;

if (args.Length > 0 && args[0] == "compare")
{
    var suites = Assembly.GetExecutingAssembly().GetTypes()
        .Where(t => typeof(ISideBySide).IsAssignableFrom(t) && t is { IsClass: true, IsAbstract: false })
        .Select(t => (ISideBySide)Activator.CreateInstance(t)!)
        .OrderBy(s => s.Name, StringComparer.Ordinal)
        .ToList();
    if (args.Length < 2 || args[1] == "--list")
    {
        foreach (var s in suites)
        {
            Console.WriteLine($"{s.Name,-14} {s.Description}");
        }
        return 0;
    }
    var suite = suites.FirstOrDefault(s => s.Name == args[1]);
    if (suite is null)
    {
        Console.Error.WriteLine($"No comparison named '{args[1]}'. Known: {string.Join(", ", suites.Select(s => s.Name))}");
        return 2;
    }
    return suite.Run(args.Skip(2).ToList(), Console.Out);
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
