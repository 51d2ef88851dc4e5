// One text per number value, so "2", "2.0", "2e0" and 2.0d all key the same:
//  - a value that is a whole number with magnitude below 2^53 is written as an integer ("2");
//  - an integer literal of any size is written as its digits (no leading zeros, no "-0");
//  - any other value is the shortest round-trip double, laid out as ECMAScript's Number#toString
//    does (fixed notation for exponents -7 < e < 21, otherwise "1.5e-7" / "1e+21"), as RFC 8785 asks.
// NaN and infinities have no JSON form and are refused.
using System.Globalization;
using System.Numerics;

namespace Unlearn.Experiments.Json;

public static class CanonicalNumber
{
    private const double ExactIntegerLimit = 9007199254740992d; // 2^53

    /// <summary>Canonical text of a JSON number literal.</summary>
    public static string Format(string literal)
    {
        var text = literal.Trim();
        if (IsIntegerLiteral(text))
        {
            var integer = BigInteger.Parse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            return integer.ToString(CultureInfo.InvariantCulture);
        }
        var value = double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
        return Format(value);
    }

    /// <summary>Canonical text of a double.</summary>
    public static string Format(double value)
    {
        if (double.IsNaN(value) || double.IsInfinity(value))
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, "NaN and infinity have no canonical JSON form.");
        }
        if (value == 0)
        {
            return "0";
        }
        if (Math.Abs(value) < ExactIntegerLimit && Math.Floor(value) == value)
        {
            return ((long)value).ToString(CultureInfo.InvariantCulture);
        }
        var (negative, digits, pointPosition) = ShortestDigits(value);
        return (negative ? "-" : "") + Layout(digits, pointPosition);
    }

    private static bool IsIntegerLiteral(string text)
    {
        var start = text.StartsWith('-') ? 1 : 0;
        if (start == text.Length)
        {
            return false;
        }
        for (var i = start; i < text.Length; i++)
        {
            if (!char.IsAsciiDigit(text[i]))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>
    /// The shortest digit string d1..dk and the exponent n with value = 0.d1..dk × 10^n,
    /// taken from the runtime's shortest round-trip formatting.
    /// </summary>
    private static (bool Negative, string Digits, int PointPosition) ShortestDigits(double value)
    {
        var text = value.ToString("R", CultureInfo.InvariantCulture);
        var negative = text.StartsWith('-');
        if (negative)
        {
            text = text[1..];
        }
        var exponent = 0;
        var e = text.IndexOfAny(['E', 'e']);
        if (e >= 0)
        {
            exponent = int.Parse(text[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            text = text[..e];
        }
        var dot = text.IndexOf('.');
        var integerPart = dot >= 0 ? text[..dot] : text;
        var fraction = dot >= 0 ? text[(dot + 1)..] : "";
        var digits = integerPart + fraction;
        var pointPosition = integerPart.Length + exponent;
        var leading = 0;
        while (leading < digits.Length - 1 && digits[leading] == '0')
        {
            leading++;
        }
        digits = digits[leading..];
        pointPosition -= leading;
        digits = digits.TrimEnd('0');
        return (negative, digits, pointPosition);
    }

    private static string Layout(string digits, int n)
    {
        var k = digits.Length;
        if (k <= n && n <= 21)
        {
            return digits + new string('0', n - k);
        }
        if (0 < n && n <= 21)
        {
            return digits[..n] + "." + digits[n..];
        }
        if (-6 < n && n <= 0)
        {
            return "0." + new string('0', -n) + digits;
        }
        var exponent = n - 1;
        var sign = exponent < 0 ? "-" : "+";
        var mantissa = k == 1 ? digits : digits[0] + "." + digits[1..];
        return mantissa + "e" + sign + Math.Abs(exponent).ToString(CultureInfo.InvariantCulture);
    }
}
