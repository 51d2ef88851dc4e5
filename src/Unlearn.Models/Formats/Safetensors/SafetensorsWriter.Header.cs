// The header half of SafetensorsWriter: the JSON text, written by hand so that the bytes are exactly
// what the reference implementation (serde_json) produces: no whitespace, only '"', '\\' and control
// characters escaped (\b \f \n \r \t, others as \u00XX), everything else raw UTF-8.
using System.Globalization;
using System.Text;

namespace Unlearn.Models.Formats;

public sealed partial class SafetensorsWriter
{
    private byte[] BuildHeader(List<PendingTensor> ordered)
    {
        var json = new StringBuilder();
        json.Append('{');
        bool first = true;
        if (_metadata.Count > 0)
        {
            AppendString(json, SafetensorsHeader.MetadataKey);
            json.Append(":{");
            foreach ((string key, string value) in _metadata)
            {
                if (!first)
                {
                    json.Append(',');
                }
                first = false;
                AppendString(json, key);
                json.Append(':');
                AppendString(json, value);
            }
            json.Append('}');
            first = false;
        }
        long offset = 0;
        foreach (PendingTensor tensor in ordered)
        {
            if (!first)
            {
                json.Append(',');
            }
            first = false;
            AppendString(json, tensor.Name);
            json.Append(":{\"dtype\":");
            AppendString(json, tensor.DType.HeaderName());
            json.Append(",\"shape\":[");
            json.AppendJoin(',', tensor.Shape.Select(dimension => dimension.ToString(CultureInfo.InvariantCulture)));
            json.Append("],\"data_offsets\":[");
            json.Append(offset.ToString(CultureInfo.InvariantCulture));
            json.Append(',');
            offset += tensor.ByteLength;
            json.Append(offset.ToString(CultureInfo.InvariantCulture));
            json.Append("]}");
        }
        json.Append('}');

        int length = Encoding.UTF8.GetByteCount(json.ToString());
        // The data region starts 8-byte aligned, as in the reference writer: pad the JSON with spaces.
        json.Append(' ', (8 - length % 8) % 8);
        byte[] header = Encoding.UTF8.GetBytes(json.ToString());
        if (header.Length > SafetensorsHeader.MaxHeaderLength)
        {
            throw new InvalidOperationException($"the header would be {header.Length} bytes, over the 100 MB safetensors limit; split the tensors into shards.");
        }
        return header;
    }

    private static void AppendString(StringBuilder json, string text)
    {
        json.Append('"');
        foreach (char character in text)
        {
            switch (character)
            {
                case '"': json.Append("\\\""); break;
                case '\\': json.Append("\\\\"); break;
                case '\b': json.Append("\\b"); break;
                case '\f': json.Append("\\f"); break;
                case '\n': json.Append("\\n"); break;
                case '\r': json.Append("\\r"); break;
                case '\t': json.Append("\\t"); break;
                case < ' ': json.Append("\\u00").Append(((int)character).ToString("x2", CultureInfo.InvariantCulture)); break;
                default: json.Append(character); break;
            }
        }
        json.Append('"');
    }
}
