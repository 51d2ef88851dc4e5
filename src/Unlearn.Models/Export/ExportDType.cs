// The tensor types an export writes: f32/f16/bf16 for Hugging Face folders, f32/f16/bf16/q8_0 for GGUF.
using Unlearn.Models.Formats;
using Unlearn.Models.Formats.Gguf;

namespace Unlearn.Models.Export;

public enum ExportDType
{
    F32,
    F16,
    BF16,
    Q8_0,
}

public enum ExportFormat
{
    /// <summary>A Hugging Face model folder (transformers, vLLM, further fine-tuning).</summary>
    HuggingFace,

    /// <summary>A GGUF v3 file for llama.cpp, Ollama, LM Studio.</summary>
    Gguf,
}

public static class ExportTypes
{
    public static string Name(this ExportDType dtype) => dtype switch
    {
        ExportDType.F32 => "f32",
        ExportDType.F16 => "f16",
        ExportDType.BF16 => "bf16",
        ExportDType.Q8_0 => "q8_0",
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, null),
    };

    /// <summary>Parses "f32", "f16", "bf16", "q8_0" (case-insensitive).</summary>
    public static bool TryParse(string text, out ExportDType dtype)
    {
        foreach (var candidate in Enum.GetValues<ExportDType>())
        {
            if (string.Equals(candidate.Name(), text, StringComparison.OrdinalIgnoreCase))
            {
                dtype = candidate;
                return true;
            }
        }
        dtype = default;
        return false;
    }

    /// <summary>"hf" or "gguf".</summary>
    public static string Name(this ExportFormat format) => format == ExportFormat.HuggingFace ? "hf" : "gguf";

    public static SafetensorsDType ToSafetensors(this ExportDType dtype) => dtype switch
    {
        ExportDType.F32 => SafetensorsDType.Float32,
        ExportDType.F16 => SafetensorsDType.Float16,
        ExportDType.BF16 => SafetensorsDType.BFloat16,
        _ => throw new ExportRefusedException($"a Hugging Face folder holds f32, f16 or bf16 tensors; {dtype.Name()} is a GGUF type (use --format gguf)."),
    };

    public static GgmlType ToGgml(this ExportDType dtype) => dtype switch
    {
        ExportDType.F32 => GgmlType.F32,
        ExportDType.F16 => GgmlType.F16,
        ExportDType.BF16 => GgmlType.BF16,
        ExportDType.Q8_0 => GgmlType.Q8_0,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, null),
    };

    /// <summary>config.json's torch_dtype for the tensors written.</summary>
    public static string TorchName(this ExportDType dtype) => dtype switch
    {
        ExportDType.F32 => "float32",
        ExportDType.F16 => "float16",
        ExportDType.BF16 => "bfloat16",
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, null),
    };
}
