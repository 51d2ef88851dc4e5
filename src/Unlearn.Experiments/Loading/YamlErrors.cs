// What a YAML syntax error means, in words a person fixes the file with, at the line to fix: a tab in the
// indentation (YAML allows spaces only; the parser reports the enclosing mapping instead), an unclosed bracket or
// quote (reported where it was opened, not where the parser gave up), a key indented under a value, a duplicate
// key. The parser's own wording is kept only for errors not recognised here, without its "(Line: …)" prefix.
using System.Text.RegularExpressions;
using Unlearn.Experiments.Diagnostics;
using YamlDotNet.Core;

namespace Unlearn.Experiments.Loading;

internal static partial class YamlErrors
{
    [GeneratedRegex(@"^\(Line: \d+, Col: \d+, Idx: \d+\) - \(Line: \d+, Col: \d+, Idx: \d+\): ")]
    private static partial Regex PositionPrefix();

    [GeneratedRegex("^Duplicate key (?<key>.+)$")]
    private static partial Regex DuplicateKey();

    public static (SourcePosition Position, string Message) Describe(string text, YamlException exception)
    {
        var at = new SourcePosition((int)exception.Start.Line, (int)exception.Start.Column);
        var parser = PositionPrefix().Replace(exception.Message, "").Trim();
        if (TabIndentation(text) is { } tab)
        {
            return (tab, "The YAML is malformed: a tab in the indentation; YAML indents with spaces only (replace the tab with spaces).");
        }
        if (DuplicateKey().Match(parser) is { Success: true } duplicate)
        {
            return (at, $"The YAML is malformed: the key '{duplicate.Groups["key"].Value}' appears twice in the same section; keep one.");
        }
        if (Unclosed(text, at.Line) is { } open)
        {
            return (open.Position, $"The YAML is malformed: this '{open.Bracket}' is never closed; add the matching '{Closing(open.Bracket)}'.");
        }
        if (parser.Contains("found invalid mapping", StringComparison.Ordinal) || parser.Contains("mapping values are not allowed", StringComparison.Ordinal))
        {
            return (at, "The YAML is malformed: a key here is indented under a value, or a value contains ': ' (indent keys under a section name that ends with ':', or quote the value).");
        }
        if (parser.Contains("double-quoted scalar", StringComparison.Ordinal) || parser.Contains("single-quoted scalar", StringComparison.Ordinal))
        {
            return (at, "The YAML is malformed: a quoted text starting here is not closed on its line; add the closing quote.");
        }
        return (at, $"The YAML is malformed: {parser.TrimEnd('.')}. Check the indentation, brackets and quotes near here.");
    }

    /// <summary>For a failure the parser gave no message for: an unclosed bracket above, else the position it stopped at.</summary>
    public static (SourcePosition Position, string Message) Describe(string text, SourcePosition stopped)
    {
        if (TabIndentation(text) is { } tab)
        {
            return (tab, "The YAML is malformed: a tab in the indentation; YAML indents with spaces only (replace the tab with spaces).");
        }
        if (Unclosed(text, stopped.Line) is { } open)
        {
            return (open.Position, $"The YAML is malformed: this '{open.Bracket}' is never closed; add the matching '{Closing(open.Bracket)}'.");
        }
        return (stopped, "The YAML is malformed near here; check the indentation, brackets and quotes.");
    }

    /// <summary>The first line whose indentation holds a tab.</summary>
    private static SourcePosition? TabIndentation(string text)
    {
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var indent = lines[i].Length - lines[i].TrimStart(' ', '\t').Length;
            var tab = lines[i].IndexOf('\t', StringComparison.Ordinal);
            if (tab >= 0 && tab < indent && lines[i].Trim().Length > 0)
            {
                return new SourcePosition(i + 1, tab + 1);
            }
        }
        return null;
    }

    /// <summary>The innermost '[' or '{' opened on or before <paramref name="line"/> and never closed (quotes and comments skipped).</summary>
    private static (SourcePosition Position, char Bracket)? Unclosed(string text, int line)
    {
        var open = new Stack<(SourcePosition, char)>();
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length && i < Math.Max(line, 1); i++)
        {
            char? quote = null;
            for (var c = 0; c < lines[i].Length; c++)
            {
                var ch = lines[i][c];
                if (quote is not null)
                {
                    quote = ch == quote ? null : quote;
                }
                else if (ch is '"' or '\'' && (c == 0 || lines[i][c - 1] is ' ' or '[' or '{' or ',' or ':'))
                {
                    quote = ch;
                }
                else if (ch == '#' && (c == 0 || lines[i][c - 1] == ' '))
                {
                    break;
                }
                else if (ch is '[' or '{')
                {
                    open.Push((new SourcePosition(i + 1, c + 1), ch));
                }
                else if (ch is ']' or '}' && open.Count > 0)
                {
                    open.Pop();
                }
            }
        }
        return open.Count > 0 ? open.Peek() : null;
    }

    private static char Closing(char bracket) => bracket == '[' ? ']' : '}';
}
