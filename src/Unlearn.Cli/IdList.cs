// Parses "1,5,9" (spaces allowed) into token ids for --ids / --prompt-ids.
namespace Unlearn.Cli;

internal static class IdList
{
    public static int[] Parse(string text, string option)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0)
        {
            throw new CommandLineException($"{option} needs at least one token id, e.g. {option} 1,5,9");
        }
        var ids = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            if (!int.TryParse(parts[i], out ids[i]) || ids[i] < 0)
            {
                throw new CommandLineException($"{option}: '{parts[i]}' is not a token id (a non-negative integer)");
            }
        }
        return ids;
    }
}
