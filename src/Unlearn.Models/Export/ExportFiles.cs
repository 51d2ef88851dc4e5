// Small file helpers of the exporters: JSON written as transformers writes it (2-space indent, trailing newline),
// text files, and the folder that appears only when complete.
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Unlearn.Models.Formats;

namespace Unlearn.Models.Export;

internal static class ExportFiles
{
    private static readonly JsonSerializerOptions Indented = new()
    {
        WriteIndented = true,
        IndentSize = 2,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static void WriteJson(string path, JsonNode node) => WriteText(path, node.ToJsonString(Indented) + "\n");

    public static void WriteText(string path, string text) =>
        AtomicFile.Write(path, stream => stream.Write(new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetBytes(text)));

    public static void WriteBytes(string path, byte[] bytes) => AtomicFile.Write(path, stream => stream.Write(bytes));

    /// <summary>
    /// Runs <paramref name="fill"/> on a fresh sibling folder "&lt;folder&gt;.tmp-&lt;pid&gt;" and then puts it in place of
    /// <paramref name="folder"/> (an older export there is replaced), so a failed export leaves no half-written folder.
    /// </summary>
    public static void WriteFolder(string folder, Action<string> fill)
    {
        string target = Path.GetFullPath(folder);
        string temporary = $"{target.TrimEnd(Path.DirectorySeparatorChar)}.tmp-{Environment.ProcessId}";
        if (Directory.Exists(temporary))
        {
            Directory.Delete(temporary, recursive: true);
        }
        Directory.CreateDirectory(temporary);
        try
        {
            fill(temporary);
            if (Directory.Exists(target))
            {
                Directory.Delete(target, recursive: true);
            }
            else if (Path.GetDirectoryName(target) is { } parent)
            {
                Directory.CreateDirectory(parent);
            }
            Directory.Move(temporary, target);
        }
        catch
        {
            try
            {
                Directory.Delete(temporary, recursive: true);
            }
            catch (IOException)
            {
                // Best effort: the original exception is the one worth reporting.
            }
            throw;
        }
    }
}
