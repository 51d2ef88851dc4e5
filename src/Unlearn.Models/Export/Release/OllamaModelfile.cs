// An Ollama Modelfile for an exported GGUF: FROM the file, TEMPLATE in Ollama's Go text/template syntax rendering the
// model's chat format as its Hugging Face template does (Llama 3.0, Llama 3.1+ with the knowledge-date system block,
// ChatML with or without Qwen2.5's default system prompt, Llama 2 chat, plain text), the stop strings of the format,
// and sampling parameters that match `unlearn generate` (Ollama's defaults add a 1.1 repeat penalty). Ollama has no
// logit bias, so a −∞ ban cannot be applied there: the file says so in a comment.
using System.Globalization;
using System.Text;
using Unlearn.Models.Config;
using Unlearn.Tokenizers.Chat;

namespace Unlearn.Models.Export.Release;

public static class OllamaModelfile
{
    public const string FileName = "Modelfile";

    public static string Render(string ggufFile, ChatTemplate chat, GenerationDefaults generation, int bannedTokenCount, string? releaseNote = null)
    {
        var text = new StringBuilder();
        text.AppendLine("# Ollama Modelfile written by `unlearn export`. Create and run the model with:");
        text.AppendLine("#   ollama create NAME -f Modelfile && ollama run NAME");
        if (bannedTokenCount > 0)
        {
            text.AppendLine($"# Ollama has no logit bias: the {bannedTokenCount} token(s) the variant bans (logit -inf, see logit_bias.json) are");
            text.AppendLine("# NOT banned here. The weights carry the zero-row form of the ban (their logit is 0), which the model can still");
            text.AppendLine("# sample. For the exact variant use llama.cpp with the arguments in llama.cpp.args.");
            if (releaseNote is not null)
            {
                text.AppendLine($"# {releaseNote}");
            }
        }
        text.AppendLine($"FROM ./{ggufFile}");
        text.AppendLine($"TEMPLATE \"\"\"{Template(chat)}\"\"\"");
        foreach (var stop in StopStrings(chat.Format))
        {
            text.AppendLine($"PARAMETER stop \"{stop}\"");
        }
        text.AppendLine("PARAMETER repeat_penalty 1");
        if (generation.Temperature is double temperature && generation.DoSample != false)
        {
            text.AppendLine($"PARAMETER temperature {temperature.ToString("R", CultureInfo.InvariantCulture)}");
        }
        if (generation.TopP is double topP)
        {
            text.AppendLine($"PARAMETER top_p {topP.ToString("R", CultureInfo.InvariantCulture)}");
        }
        text.AppendLine($"PARAMETER top_k {generation.TopK ?? 0}");
        return text.ToString();
    }

    /// <summary>The TEMPLATE body for a chat format (BOS is left to the tokenizer, which adds it, as llama.cpp does). Content
    /// is not trimmed as the Hugging Face templates trim it: Go templates have no strip.</summary>
    public static string Template(ChatTemplate chat) => chat.Format switch
    {
        ChatFormat.Llama31 =>
            "<|start_header_id|>system<|end_header_id|>\n\n"
            + "Cutting Knowledge Date: December 2023\n"
            + $"Today Date: {chat.DateString}\n\n"
            + "{{ if .System }}{{ .System }}{{ end }}<|eot_id|>"
            + Llama3Turns,
        ChatFormat.Llama3 =>
            "{{ if .System }}<|start_header_id|>system<|end_header_id|>\n\n{{ .System }}<|eot_id|>{{ end }}"
            + Llama3Turns,
        ChatFormat.ChatMl or ChatFormat.ChatMlPlain =>
            (chat.DefaultSystemPrompt is { } system
                ? "<|im_start|>system\n{{ if .System }}{{ .System }}{{ else }}" + system + "{{ end }}<|im_end|>\n"
                : "{{ if .System }}<|im_start|>system\n{{ .System }}<|im_end|>\n{{ end }}")
            + "{{ range .Messages }}{{ if ne .Role \"system\" }}<|im_start|>{{ .Role }}\n{{ .Content }}<|im_end|>\n{{ end }}{{ end }}"
            + "<|im_start|>assistant\n",
        // Ollama passes system messages both in .System and in .Messages: the first user turn carries the system block.
        ChatFormat.Llama2 =>
            "{{ $first := true }}{{ range .Messages }}{{ if eq .Role \"user\" }}{{ if not $first }}<s>{{ end }}[INST] "
            + "{{ if and $first $.System }}<<SYS>>\n{{ $.System }}\n<</SYS>>\n\n{{ end }}{{ .Content }} [/INST]{{ $first = false }}"
            + "{{ else if eq .Role \"assistant\" }} {{ .Content }} </s>{{ end }}{{ end }}",
        _ => "{{ .Prompt }}",
    };

    /// <summary>Text at which Ollama stops a reply, per format (the end-of-turn markers and the next turn's header).</summary>
    public static IReadOnlyList<string> StopStrings(ChatFormat format) => format switch
    {
        ChatFormat.Llama3 or ChatFormat.Llama31 => ["<|start_header_id|>", "<|end_header_id|>", "<|eot_id|>"],
        ChatFormat.ChatMl or ChatFormat.ChatMlPlain => ["<|im_start|>", "<|im_end|>"],
        ChatFormat.Llama2 => ["[INST]", "[/INST]", "<<SYS>>", "<</SYS>>"],
        _ => [],
    };

    private const string Llama3Turns =
        "{{ range .Messages }}{{ if ne .Role \"system\" }}<|start_header_id|>{{ .Role }}<|end_header_id|>\n\n{{ .Content }}<|eot_id|>{{ end }}{{ end }}"
        + "<|start_header_id|>assistant<|end_header_id|>\n\n";
}
