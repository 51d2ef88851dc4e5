// A minimal JSON scanner for the two big parts of tokenizer.json: the vocabulary object and the merges array
// (hundreds of thousands of entries), and for finding where each top-level section lies. The small sections are
// still parsed by System.Text.Json. Why not Utf8JsonReader: in a fresh process the framework's reader runs
// through tiering stubs for its first ~100 ms, which alone tripled the load time of a 9 MB file; this scanner's
// loops are compiled fully optimized on first call. It validates what it reads and reports the byte, line and
// column of any error; values it only skips are checked for balanced brackets and terminated strings.
using System.Runtime.CompilerServices;
using System.Text;

namespace Unlearn.Tokenizers.Json;

internal ref struct JsonScanner
{
    private readonly ReadOnlySpan<byte> _data;
    private readonly string _file;
    private readonly int _base; // offset of _data in the file, for error positions
    private readonly ReadOnlySpan<byte> _whole;

    public JsonScanner(ReadOnlySpan<byte> whole, int start, int length, string file)
    {
        _whole = whole;
        _data = whole.Slice(start, length);
        _base = start;
        _file = file;
        Position = 0;
    }

    public int Position { get; set; }

    public readonly int FilePosition => _base + Position;

    public readonly bool AtEnd => Position >= _data.Length;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void SkipWhitespace()
    {
        while (Position < _data.Length && _data[Position] is (byte)' ' or (byte)'\n' or (byte)'\r' or (byte)'\t')
        {
            Position++;
        }
    }

    /// <summary>Skips whitespace and returns the next byte without consuming it (0 at the end).</summary>
    public byte Peek()
    {
        SkipWhitespace();
        return Position < _data.Length ? _data[Position] : (byte)0;
    }

    public void Expect(byte c, string what)
    {
        if (Peek() != c)
        {
            throw Error(AtEnd ? $"the file ends where {what} was expected (truncated?)" : $"expected {what}");
        }
        Position++;
    }

    /// <summary>Consumes ',' and returns true, or returns false before <paramref name="close"/>.</summary>
    public bool NextItem(byte close, string container)
    {
        var c = Peek();
        if (c == ',')
        {
            Position++;
            return true;
        }
        if (c == close)
        {
            return false;
        }
        throw Error(AtEnd ? $"the file ends inside {container} (truncated?)" : $"expected ',' or '{(char)close}' in {container}");
    }

    /// <summary>Reads a string; returns its raw bytes (between the quotes) and whether it has escapes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public ReadOnlySpan<byte> ReadRawString(out bool escaped)
    {
        Expect((byte)'"', "a string");
        var start = Position;
        escaped = false;
        while (Position < _data.Length)
        {
            var c = _data[Position];
            if (c == '"')
            {
                var raw = _data[start..Position];
                Position++;
                return raw;
            }
            if (c == '\\')
            {
                escaped = true;
                Position++;
            }
            else if (c < 0x20)
            {
                throw Error("a string contains a raw control character (corrupt file?)");
            }
            Position++;
        }
        throw Error("the file ends inside a string (truncated?)");
    }

    /// <summary>Reads a string, unescaped, as UTF-8 into <paramref name="buffer"/> when it has escapes.</summary>
    public ReadOnlySpan<byte> ReadString(scoped ref byte[] buffer)
    {
        var start = FilePosition;
        var raw = ReadRawString(out var escaped);
        if (!escaped)
        {
            return raw;
        }
        var text = Unescape(raw, start);
        var length = Encoding.UTF8.GetByteCount(text);
        if (buffer.Length < length)
        {
            buffer = new byte[length * 2];
        }
        return buffer.AsSpan(0, Encoding.UTF8.GetBytes(text, buffer));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool TryReadInt32(out int value)
    {
        SkipWhitespace();
        value = 0;
        var start = Position;
        var negative = Position < _data.Length && _data[Position] == '-';
        if (negative)
        {
            Position++;
        }
        long result = 0;
        while (Position < _data.Length && _data[Position] is >= (byte)'0' and <= (byte)'9')
        {
            result = result * 10 + (_data[Position] - '0');
            if (result > int.MaxValue)
            {
                return false;
            }
            Position++;
        }
        if (Position == start + (negative ? 1 : 0)
            || Position < _data.Length && _data[Position] is (byte)'.' or (byte)'e' or (byte)'E')
        {
            Position = start;
            return false;
        }
        value = (int)(negative ? -result : result);
        return true;
    }

    /// <summary>Skips an array, recording where each element starts (file offsets), so the elements can later be
    /// read in parallel chunks; returns the array's [start, end) within the file.</summary>
    public (int Start, int End) SkipArray(List<int> elementStarts)
    {
        var start = Peek() == '[' ? FilePosition : throw Error("expected '['");
        Position++;
        if (Peek() != ']')
        {
            do
            {
                Peek();
                elementStarts.Add(FilePosition);
                SkipValue();
            }
            while (NextItem((byte)']', "an array"));
        }
        Expect((byte)']', "']'");
        return (start, FilePosition);
    }

    /// <summary>Skips one value of any kind; returns its [start, end) within the file.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public (int Start, int End) SkipValue()
    {
        var c = Peek();
        var start = FilePosition;
        if (c == '"')
        {
            ReadRawString(out _);
            return (start, FilePosition);
        }
        if (c is (byte)'{' or (byte)'[')
        {
            var depth = 0;
            while (Position < _data.Length)
            {
                var b = _data[Position];
                if (b == '"')
                {
                    ReadRawString(out _);
                    continue;
                }
                if (b is (byte)'{' or (byte)'[')
                {
                    depth++;
                }
                else if (b is (byte)'}' or (byte)']')
                {
                    depth--;
                    if (depth == 0)
                    {
                        Position++;
                        return (start, FilePosition);
                    }
                }
                Position++;
            }
            throw Error("the file ends inside an object or array (truncated?)");
        }
        while (Position < _data.Length && _data[Position] is not ((byte)',' or (byte)'}' or (byte)']' or (byte)' '
            or (byte)'\n' or (byte)'\r' or (byte)'\t'))
        {
            Position++;
        }
        if (FilePosition == start)
        {
            throw Error(AtEnd ? "the file ends where a value was expected (truncated?)" : "expected a value");
        }
        return (start, FilePosition);
    }

    public readonly TokenizerFormatException Error(string problem) => Error(_whole, _file, FilePosition, problem);

    public static TokenizerFormatException Error(ReadOnlySpan<byte> whole, string file, int position, string problem)
    {
        position = Math.Min(position, whole.Length);
        var line = 1;
        var lineStart = 0;
        for (var i = 0; i < position; i++)
        {
            if (whole[i] == '\n')
            {
                line++;
                lineStart = i + 1;
            }
        }
        return new TokenizerFormatException(file, $"line {line}, byte {position - lineStart + 1} (offset {position})", problem);
    }

    private readonly string Unescape(ReadOnlySpan<byte> raw, int start)
    {
        var quoted = new byte[raw.Length + 2];
        quoted[0] = (byte)'"';
        raw.CopyTo(quoted.AsSpan(1));
        quoted[^1] = (byte)'"';
        try
        {
            return System.Text.Json.JsonSerializer.Deserialize<string>(quoted)!;
        }
        catch (System.Text.Json.JsonException)
        {
            throw Error(_whole, _file, start, "a string has an invalid escape sequence");
        }
    }
}
