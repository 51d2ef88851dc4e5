// Builds raw safetensors bytes from a literal header, for tests that need files the writer would
// never produce (bad offsets, gaps, unknown dtypes).
using System.Buffers.Binary;
using System.Text;

namespace Unlearn.Models.Tests.Formats;

internal static class SafetensorsBytes
{
    /// <summary>8-byte length + <paramref name="headerJson"/> + <paramref name="dataLength"/> bytes of data (value = index mod 251).</summary>
    public static byte[] Build(string headerJson, long dataLength)
    {
        byte[] header = Encoding.UTF8.GetBytes(headerJson);
        var bytes = new byte[8 + header.Length + dataLength];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)header.Length);
        header.CopyTo(bytes, 8);
        for (long i = 0; i < dataLength; i++)
        {
            bytes[8 + header.Length + i] = (byte)(i % 251);
        }
        return bytes;
    }

    public static string Write(TemporaryFolder folder, string name, byte[] bytes)
    {
        string path = folder.File(name);
        File.WriteAllBytes(path, bytes);
        return path;
    }
}
