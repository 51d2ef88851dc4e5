using Unlearn.Experiments.IO;

namespace Unlearn.Experiments.Tests.Store;

public sealed class FileLockTests : IDisposable
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), "unlearn-tests", Guid.NewGuid().ToString("N"));

    public FileLockTests() => Directory.CreateDirectory(folder);

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public void TryAcquire_WhileHeld_ReturnsNullAndSucceedsAfterRelease()
    {
        var path = Path.Combine(folder, "k.lock");
        var first = FileLock.TryAcquire(path);

        Assert.NotNull(first);
        Assert.Null(FileLock.TryAcquire(path));
        first!.Dispose();
        using var again = FileLock.TryAcquire(path);
        Assert.NotNull(again);
    }

    [Fact]
    public async Task Acquire_WhenTakenThenReleased_WaitsAndSaysSoOnce()
    {
        var path = Path.Combine(folder, "k.lock");
        var held = FileLock.TryAcquire(path)!;
        var waits = 0;
        var release = Task.Run(() =>
        {
            Thread.Sleep(200);
            held.Dispose();
        });

        using var taken = FileLock.Acquire(path, () => waits++, CancellationToken.None);

        await release;
        Assert.Equal(1, waits);
    }

    [Fact]
    public void WriteAllText_ExistingFile_ReplacesItWithoutLeavingTemporaries()
    {
        var path = Path.Combine(folder, "view.json");
        File.WriteAllText(path, "old");

        AtomicFile.WriteAllText(path, "new");

        Assert.Equal("new", File.ReadAllText(path));
        Assert.Equal([path], Directory.GetFiles(folder));
    }
}
