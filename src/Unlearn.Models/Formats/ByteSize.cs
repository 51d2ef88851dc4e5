// Human-readable byte counts for error messages ("1.2 GB (1,234,567,890 bytes)"). Decimal units, as
// file managers and download pages show them, with the exact count beside so nothing is lost.
using System.Globalization;

namespace Unlearn.Models.Formats;

internal static class ByteSize
{
    public static string Describe(long bytes)
    {
        string exact = bytes.ToString("N0", CultureInfo.InvariantCulture) + (bytes == 1 ? " byte" : " bytes");
        if (bytes < 1000)
        {
            return exact;
        }
        (double scaled, string unit) = bytes switch
        {
            < 1_000_000 => (bytes / 1e3, "KB"),
            < 1_000_000_000 => (bytes / 1e6, "MB"),
            < 1_000_000_000_000 => (bytes / 1e9, "GB"),
            _ => (bytes / 1e12, "TB"),
        };
        return $"{scaled.ToString("0.0", CultureInfo.InvariantCulture)} {unit} ({exact})";
    }
}
