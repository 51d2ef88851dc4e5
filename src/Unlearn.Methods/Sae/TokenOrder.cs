// The shuffled token stream SAE training reads (seed bug C-5: the prototype read its corpora in a fixed order, so
// every epoch saw WikiText, then TinyStories, then the target text). Epoch e is a Fisher–Yates permutation of all
// rows drawn from its own xoshiro stream (SeededRandom.ForSequence(seed, e)); the stream is the epochs one after the
// other and step s reads stream positions [s·B, (s+1)·B). A step's batch is therefore a function of (seed, s) alone,
// which is what lets a resumed run see exactly the batches an uninterrupted one would.
using Unlearn.Numerics;

namespace Unlearn.Methods.Sae;

internal sealed class TokenOrder
{
    private readonly ulong _seed;
    private readonly int _count;
    private readonly Dictionary<long, int[]> _epochs = [];

    public TokenOrder(ulong seed, int count)
    {
        _seed = seed;
        _count = count;
    }

    /// <summary>The rows at stream positions [position, position + rows.Length).</summary>
    public void Rows(long position, Span<int> rows)
    {
        for (int i = 0; i < rows.Length; i++)
        {
            long p = position + i;
            rows[i] = Epoch(p / _count)[(int)(p % _count)];
        }
    }

    /// <summary>The permutation of epoch <paramref name="epoch"/>; the two most recent epochs stay cached.</summary>
    public int[] Epoch(long epoch)
    {
        if (_epochs.TryGetValue(epoch, out var cached))
        {
            return cached;
        }
        foreach (var old in _epochs.Keys.Where(e => e < epoch - 1).ToArray())
        {
            _epochs.Remove(old);
        }
        var permutation = new int[_count];
        for (int i = 0; i < _count; i++)
        {
            permutation[i] = i;
        }
        var random = SeededRandom.ForSequence(_seed, checked((int)epoch));
        for (int i = _count - 1; i > 0; i--)
        {
            int j = random.NextInt(i + 1);
            (permutation[i], permutation[j]) = (permutation[j], permutation[i]);
        }
        _epochs[epoch] = permutation;
        return permutation;
    }
}
