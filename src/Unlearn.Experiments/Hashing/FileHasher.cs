// SHA-256 of a file's content, fast enough for multi-GB model weights: large unbuffered reads
// (4 MiB) and, for files beyond one buffer, a second buffer filled by a reader task while the
// current one is hashed, so disk or page-cache reads overlap the hashing (SHA-NI through OpenSSL on
// Linux). Measured ~1.3-1.45 GB/s on a 2 GB file here (see docs/graph.md). No memo: see HashMemo.
using System.Buffers;
using System.Security.Cryptography;

namespace Unlearn.Experiments.Hashing;

public static class FileHasher
{
    private const int BufferSize = 4 << 20;

    /// <summary>Lower-case hex SHA-256 of the file's content.</summary>
    public static string Sha256(string path, CancellationToken cancellationToken = default)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
        return Convert.ToHexStringLower(Sha256(stream, cancellationToken));
    }

    /// <summary>SHA-256 of a stream from its current position to its end.</summary>
    public static byte[] Sha256(Stream stream, CancellationToken cancellationToken = default)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var current = ArrayPool<byte>.Shared.Rent(BufferSize);
        var next = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            var count = ReadFull(stream, current);
            while (count > 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (count < BufferSize)
                {
                    // Short read: the end of the stream. Hash it without starting another read.
                    hash.AppendData(current, 0, count);
                    break;
                }
                var buffer = next;
                var reading = Task.Run(() => ReadFull(stream, buffer), cancellationToken);
                hash.AppendData(current, 0, count);
                count = reading.GetAwaiter().GetResult();
                (current, next) = (next, current);
            }
            return hash.GetHashAndReset();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(current);
            ArrayPool<byte>.Shared.Return(next);
        }
    }

    private static int ReadFull(Stream stream, byte[] buffer)
    {
        var total = 0;
        while (total < BufferSize)
        {
            var read = stream.Read(buffer, total, BufferSize - total);
            if (read == 0)
            {
                break;
            }
            total += read;
        }
        return total;
    }
}
