// A parser for the small subset of Python literal syntax that .npy headers use: dicts, tuples,
// lists, quoted strings, integers (with the Python 2 'L' suffix old files carry), True, False, None.
// It is what numpy's own reader accepts via ast.literal_eval, minus floats and bytes, which no
// header for a supported dtype contains. Not a general Python parser.
using System.Globalization;
using System.Text;

namespace Unlearn.Models.Formats;

internal sealed class PythonLiteralException(string message) : Exception(message);

/// <summary>A parsed tuple (as opposed to a list, which parses to <see cref="List{T}"/>).</summary>
internal sealed class PythonTuple(List<object?> items)
{
    public List<object?> Items { get; } = items;
}

internal ref struct PythonLiteral
{
    private const int MaxDepth = 32;
    private readonly ReadOnlySpan<char> _text;
    private int _position;
    private int _depth;

    private PythonLiteral(ReadOnlySpan<char> text)
    {
        _text = text;
    }

    /// <summary>
    /// Parses one literal filling the whole text (surrounding whitespace allowed). Result types:
    /// Dictionary&lt;string, object?&gt; (string keys only), PythonTuple, List&lt;object?&gt;, string, long, bool, null.
    /// </summary>
    /// <exception cref="PythonLiteralException">Not a literal of that subset; the message gives the position.</exception>
    public static object? Parse(ReadOnlySpan<char> text)
    {
        var parser = new PythonLiteral(text);
        object? value = parser.ParseValue();
        parser.SkipWhitespace();
        if (parser._position != text.Length)
        {
            throw parser.Error("unexpected text after the literal");
        }
        return value;
    }

    private object? ParseValue()
    {
        SkipWhitespace();
        if (_position >= _text.Length)
        {
            throw Error("unexpected end");
        }
        char current = _text[_position];
        return current switch
        {
            '{' => ParseDict(),
            '(' => new PythonTuple(ParseSequence('(', ')')),
            '[' => ParseSequence('[', ']'),
            '\'' or '"' => ParseString(),
            '-' or (>= '0' and <= '9') => ParseInteger(),
            _ => ParseKeyword(),
        };
    }

    private Dictionary<string, object?> ParseDict()
    {
        Enter();
        _position++; // '{'
        var result = new Dictionary<string, object?>(StringComparer.Ordinal);
        while (true)
        {
            SkipWhitespace();
            if (Peek() == '}')
            {
                _position++;
                break;
            }
            if (ParseValue() is not string key)
            {
                throw Error("dict keys must be strings");
            }
            SkipWhitespace();
            Expect(':');
            object? value = ParseValue();
            if (!result.TryAdd(key, value))
            {
                throw Error($"key '{key}' appears twice");
            }
            SkipWhitespace();
            if (Peek() == ',')
            {
                _position++;
            }
            else if (Peek() != '}')
            {
                throw Error("expected ',' or '}'");
            }
        }
        _depth--;
        return result;
    }

    private List<object?> ParseSequence(char open, char close)
    {
        Enter();
        _position++; // open
        var items = new List<object?>();
        bool sawComma = false;
        while (true)
        {
            SkipWhitespace();
            if (Peek() == close)
            {
                _position++;
                break;
            }
            items.Add(ParseValue());
            SkipWhitespace();
            if (Peek() == ',')
            {
                _position++;
                sawComma = true;
            }
            else if (Peek() != close)
            {
                throw Error($"expected ',' or '{close}'");
            }
        }
        // "(5)" is just 5 in Python, not a tuple; .npy shapes always use "(5,)".
        if (open == '(' && items.Count == 1 && !sawComma)
        {
            throw Error("a one-element tuple needs a trailing comma, e.g. (5,)");
        }
        _depth--;
        return items;
    }

    private string ParseString()
    {
        char quote = _text[_position++];
        var builder = new StringBuilder();
        while (true)
        {
            if (_position >= _text.Length)
            {
                throw Error("unterminated string");
            }
            char current = _text[_position++];
            if (current == quote)
            {
                return builder.ToString();
            }
            if (current == '\n')
            {
                throw Error("newline inside a string");
            }
            if (current != '\\')
            {
                builder.Append(current);
                continue;
            }
            if (_position >= _text.Length)
            {
                throw Error("unterminated string");
            }
            char escaped = _text[_position++];
            builder.Append(escaped switch
            {
                '\\' or '\'' or '"' => escaped,
                'n' => '\n',
                't' => '\t',
                'r' => '\r',
                '0' => '\0',
                _ => throw Error($"unsupported escape '\\{escaped}'"),
            });
        }
    }

    private long ParseInteger()
    {
        int start = _position;
        if (_text[_position] == '-')
        {
            _position++;
        }
        int digitsStart = _position;
        while (_position < _text.Length && char.IsAsciiDigit(_text[_position]))
        {
            _position++;
        }
        if (_position == digitsStart)
        {
            throw Error("expected digits");
        }
        if (_position < _text.Length && (_text[_position] is '.' or 'e' or 'E' or 'j' or 'J'))
        {
            throw Error("only integers are expected here");
        }
        if (!long.TryParse(_text[start.._position], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long value))
        {
            throw Error("integer out of range");
        }
        if (_position < _text.Length && _text[_position] is 'L' or 'l')
        {
            _position++; // Python 2 long suffix, as in "(3L, 4L)" from old numpy.
        }
        return value;
    }

    private object? ParseKeyword()
    {
        foreach ((string word, object? value) in new (string, object?)[] { ("True", true), ("False", false), ("None", null) })
        {
            if (_text[_position..].StartsWith(word, StringComparison.Ordinal)
                && (_position + word.Length == _text.Length || !char.IsAsciiLetterOrDigit(_text[_position + word.Length])))
            {
                _position += word.Length;
                return value;
            }
        }
        throw Error($"unexpected character '{_text[_position]}'");
    }

    private void Enter()
    {
        if (++_depth > MaxDepth)
        {
            throw Error("nested too deeply");
        }
    }

    private void Expect(char expected)
    {
        if (Peek() != expected)
        {
            throw Error($"expected '{expected}'");
        }
        _position++;
    }

    private readonly char Peek() => _position < _text.Length ? _text[_position] : '\0';

    private void SkipWhitespace()
    {
        while (_position < _text.Length && _text[_position] is ' ' or '\t' or '\n' or '\r')
        {
            _position++;
        }
    }

    private readonly PythonLiteralException Error(string what) => new($"{what} at character {_position}");
}
