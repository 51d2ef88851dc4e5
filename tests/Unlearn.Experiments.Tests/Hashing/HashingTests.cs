using System.Security.Cryptography;
using Unlearn.Experiments.Hashing;

namespace Unlearn.Experiments.Tests.Hashing;

public sealed class HashingTests : IDisposable
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), "unlearn-tests", Guid.NewGuid().ToString("N"));

    public HashingTests() => Directory.CreateDirectory(folder);

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData((4 << 20) - 1)]
    [InlineData(4 << 20)]
    [InlineData((4 << 20) + 1)]
    [InlineData((9 << 20) + 123)]
    public void Sha256_FileAroundBufferBoundaries_MatchesHashOfItsBytes(int length)
    {
        var bytes = new byte[length];
        new Random(length).NextBytes(bytes);
        var path = Path.Combine(folder, "data.bin");
        File.WriteAllBytes(path, bytes);

        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), FileHasher.Sha256(path));
    }

    [Fact]
    public void Sha256_OldUnchangedFile_IsReadOnce()
    {
        var path = WriteOld("weights.bin", "abcdef");
        var memo = new HashMemo(Path.Combine(folder, ".hashes.json"));

        var first = memo.Sha256(path);
        var second = memo.Sha256(path);

        Assert.Equal(first, second);
        Assert.Equal(1, memo.FilesHashed);
    }

    [Fact]
    public void Sha256_RememberedAcrossInstances_AfterSave()
    {
        var path = WriteOld("weights.bin", "abcdef");
        var memoPath = Path.Combine(folder, ".hashes.json");
        var first = new HashMemo(memoPath);
        first.Sha256(path);
        first.Save();

        var second = new HashMemo(memoPath);
        second.Sha256(path);

        Assert.Equal(0, second.FilesHashed);
    }

    [Fact]
    public void Sha256_FileRewrittenWithSameSize_IsHashedAgain()
    {
        var path = WriteOld("weights.bin", "abcdef");
        var memo = new HashMemo(Path.Combine(folder, ".hashes.json"));
        var before = memo.Sha256(path);

        File.WriteAllText(path, "ABCDEF");
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddHours(-1));
        var after = memo.Sha256(path);

        Assert.NotEqual(before, after);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData("ABCDEF"u8)), after);
    }

    [Fact]
    public void Sha256_FreshlyWrittenFile_IsNotRemembered()
    {
        // Within the racy window a same-size rewrite could keep the mtime, so the digest is not trusted yet.
        var path = Path.Combine(folder, "fresh.bin");
        File.WriteAllText(path, "abcdef");
        var memo = new HashMemo(Path.Combine(folder, ".hashes.json"));

        memo.Sha256(path);
        memo.Sha256(path);

        Assert.Equal(2, memo.FilesHashed);
        Assert.Equal(0, memo.Count);
    }

    [Fact]
    public void Save_TwoInstancesWithDifferentFiles_KeepsBothEntries()
    {
        var memoPath = Path.Combine(folder, ".hashes.json");
        var a = new HashMemo(memoPath);
        var b = new HashMemo(memoPath);
        a.Sha256(WriteOld("a.bin", "a"));
        b.Sha256(WriteOld("b.bin", "b"));

        a.Save();
        b.Save();

        Assert.Equal(2, new HashMemo(memoPath).Count);
    }

    [Fact]
    public void Constructor_CorruptMemoFile_StartsEmpty()
    {
        var memoPath = Path.Combine(folder, ".hashes.json");
        File.WriteAllText(memoPath, "{ not json");

        Assert.Equal(0, new HashMemo(memoPath).Count);
    }

    [Fact]
    public void Of_FileReplacedByRename_HasDifferentInode()
    {
        var path = WriteOld("a.bin", "abcdef");
        var before = FileIdentity.Of(path);
        if (!OperatingSystem.IsLinux())
        {
            // Elsewhere identity degrades to size and mtime; nothing more to check here.
            Assert.False(before.HasInode);
            return;
        }
        var replacement = WriteOld("b.bin", "abcdef");
        File.SetLastWriteTimeUtc(replacement, File.GetLastWriteTimeUtc(path));
        File.Move(replacement, path, overwrite: true);

        var after = FileIdentity.Of(path);

        Assert.True(before.HasInode);
        Assert.Equal(before.Size, after.Size);
        Assert.NotEqual(before.Inode, after.Inode);
    }

    [Fact]
    public void Of_MissingFile_ThrowsFileNotFound()
    {
        Assert.Throws<FileNotFoundException>(() => FileIdentity.Of(Path.Combine(folder, "absent.bin")));
    }

    private string WriteOld(string name, string content)
    {
        var path = Path.Combine(folder, name);
        File.WriteAllText(path, content);
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddHours(-2));
        return path;
    }
}
