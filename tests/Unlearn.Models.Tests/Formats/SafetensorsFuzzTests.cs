// Seeded fuzzing of SafetensorsFile.Open: random bytes, every truncation of a valid file, and random
// mutations of a valid header. The only acceptable outcomes are a clean open (after which every
// tensor's bytes can be read) or a SafetensorsFormatException — never an IndexOutOfRange,
// AccessViolation, Argument, Json or Overflow exception leaking out.
using System.Buffers.Binary;
using System.Text;
using Unlearn.Models.Formats;

namespace Unlearn.Models.Tests.Formats;

public sealed class SafetensorsFuzzTests : IDisposable
{
    private const int Seed = 1234567;
    private readonly TemporaryFolder _folder = new();
    private readonly string _path;

    public SafetensorsFuzzTests()
    {
        _path = _folder.File("fuzz.safetensors");
    }

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Open_RandomBytes_OnlyThrowsFormatException()
    {
        var random = new Random(Seed);
        var failures = new List<string>();
        for (int i = 0; i < 1000; i++)
        {
            var bytes = new byte[random.Next(0, 300)];
            random.NextBytes(bytes);
            if (bytes.Length >= 8 && random.Next(2) == 0)
            {
                // Half the cases get a plausible header length so the JSON parser is reached.
                BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)random.Next(0, bytes.Length - 7));
                if (bytes.Length > 8 && random.Next(2) == 0)
                {
                    bytes[8] = (byte)'{';
                }
            }
            Check(bytes, $"random case {i}", failures);
        }
        AssertNoFailures(failures, opened: null);
    }

    [Fact]
    public void Open_EveryTruncationOfAValidFile_OnlyThrowsFormatException()
    {
        byte[] valid = ValidFile();
        var failures = new List<string>();
        int opened = 0;
        for (int length = 0; length < valid.Length; length++)
        {
            opened += Check(valid[..length], $"truncated to {length} of {valid.Length} bytes", failures) ? 1 : 0;
        }
        // A truncated file can never be valid: its data region is shorter than the header says.
        AssertNoFailures(failures, opened);
        Assert.Equal(0, opened);
    }

    [Fact]
    public void Open_RandomHeaderMutations_OnlyThrowsFormatException()
    {
        var random = new Random(Seed);
        byte[] valid = ValidFile();
        int headerLength = (int)BinaryPrimitives.ReadUInt64LittleEndian(valid);
        byte[] header = valid[8..(8 + headerLength)];
        byte[] data = valid[(8 + headerLength)..];
        var failures = new List<string>();
        int opened = 0;
        const string jsonCharacters = "{}[]\",:0123456789-.eE tfn\\";
        for (int i = 0; i < 2500; i++)
        {
            var mutated = new List<byte>(header);
            int mutationCount = 1 + random.Next(3);
            string description = "";
            for (int m = 0; m < mutationCount && mutated.Count > 0; m++)
            {
                int position = random.Next(mutated.Count);
                switch (random.Next(6))
                {
                    case 0:
                        mutated[position] = (byte)random.Next(256);
                        description += $" byte@{position}";
                        break;
                    case 1:
                        mutated[position] = (byte)jsonCharacters[random.Next(jsonCharacters.Length)];
                        description += $" char@{position}";
                        break;
                    case 2:
                        mutated.RemoveAt(position);
                        description += $" delete@{position}";
                        break;
                    case 3:
                        mutated.Insert(position, (byte)jsonCharacters[random.Next(jsonCharacters.Length)]);
                        description += $" insert@{position}";
                        break;
                    case 4:
                        int digit = mutated.FindIndex(position, b => b is >= (byte)'0' and <= (byte)'9');
                        if (digit >= 0)
                        {
                            mutated[digit] = (byte)('0' + random.Next(10));
                        }
                        description += $" digit@{digit}";
                        break;
                    default:
                        int length = random.Next(1, Math.Min(24, mutated.Count - position) + 1);
                        mutated.InsertRange(position, mutated.GetRange(position, length));
                        description += $" repeat@{position}+{length}";
                        break;
                }
            }
            byte[] newHeader = mutated.ToArray();
            // Usually keep the length field consistent, so the mutation reaches the JSON and layout checks.
            ulong lengthField = random.Next(10) == 0 ? (ulong)headerLength : (ulong)newHeader.Length;
            var bytes = new byte[8 + newHeader.Length + data.Length];
            BinaryPrimitives.WriteUInt64LittleEndian(bytes, lengthField);
            newHeader.CopyTo(bytes, 8);
            data.CopyTo(bytes, 8 + newHeader.Length);
            opened += Check(bytes, $"mutation {i}:{description}", failures) ? 1 : 0;
        }
        AssertNoFailures(failures, opened);
    }

    /// <summary>Opens the bytes; on success reads every tensor. Returns whether it opened; records any wrong exception.</summary>
    private bool Check(byte[] bytes, string description, List<string> failures)
    {
        File.WriteAllBytes(_path, bytes);
        try
        {
            using SafetensorsFile file = SafetensorsFile.Open(_path);
            long total = 0;
            foreach (SafetensorsTensor tensor in file.Tensors)
            {
                total += tensor.Bytes.Length;
                if (tensor.DType is SafetensorsDType.Float32 or SafetensorsDType.Float16 or SafetensorsDType.BFloat16)
                {
                    _ = tensor.ToFloat32Array();
                }
            }
            if (total != file.FileLength - file.DataOffset)
            {
                failures.Add($"{description}: opened but tensors cover {total} of {file.FileLength - file.DataOffset} data bytes");
            }
            return true;
        }
        catch (SafetensorsFormatException)
        {
            return false;
        }
        catch (Exception exception)
        {
            failures.Add($"{description}: {exception.GetType().Name}: {exception.Message}");
            return false;
        }
    }

    private static void AssertNoFailures(List<string> failures, int? opened)
    {
        Assert.True(failures.Count == 0, $"{failures.Count} cases leaked the wrong exception (opened cleanly: {opened}):\n" + string.Join("\n", failures.Take(10)));
    }

    private static byte[] ValidFile()
    {
        var writer = new SafetensorsWriter();
        writer.SetMetadata("format", "pt");
        writer.AddFloat32("layer.weight", Enumerable.Range(0, 12).Select(i => i * 0.5f).ToArray(), 3, 4);
        writer.AddFloat32AsBFloat16("layer.scale", [1f, -2f, 3.5f, 0f, 1e-3f], 5);
        writer.AddFloat32AsFloat16("layer.bias", [0.25f, -1f, 2f, 65504f], 2, 2);
        writer.AddInt64("ids", [1, 2, 3], 3);
        writer.AddUInt8("mask", [1, 0, 1, 1, 0, 0, 1], 7);
        writer.AddFloat32("empty", [], 0, 4);
        using var stream = new MemoryStream();
        writer.WriteTo(stream);
        byte[] bytes = stream.ToArray();
        Assert.StartsWith("{\"__metadata__\"", Encoding.UTF8.GetString(bytes, 8, 20));
        return bytes;
    }
}
