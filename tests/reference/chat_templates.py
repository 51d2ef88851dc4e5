#!/usr/bin/python3
"""Renders the real chat templates with Jinja2 the way Hugging Face transformers' apply_chat_template does, to give
the C# ChatRenderer goldens to match (tests/Unlearn.Tokenizers.Tests/Data/chat-templates/goldens.json).

Run from the repository root with the Debian interpreter that has python3-jinja2:
    /usr/bin/python3 tests/reference/chat_templates.py

What "as transformers does" means here (transformers.utils.chat_template_utils._compile_jinja_template, 4.4x):
an ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True) with the loopcontrols extension, a
`raise_exception` global that raises, `tojson` as json.dumps(ensure_ascii=False), and render(messages=...,
tools=None, documents=None, add_generation_prompt=..., **special tokens). Two deliberate differences:
`strftime_now` is NOT defined, so the Llama 3.2 template takes its own fallback date "26 Jul 2024" instead of
today's (a golden must not change daily); and a case that wants another date passes `date_string`, which is what
apply_chat_template(..., date_string=...) forwards.

Assistant spans are measured on the templates themselves, not derived by hand: for the assistant message k,
    start = len(render(messages[:k], add_generation_prompt=True))
    end   = len(render(messages[:k + 1], add_generation_prompt=False))
after checking that both renders are prefixes of the full render (they are for every template here). For ChatML
the template writes the turn separator "\\n" after <|im_end|>; it is cut off so that a span ends with the
end-of-turn marker, as the span of every other format does.
"""
import json
import os
import sys

import jinja2
import jinja2.ext
import jinja2.sandbox

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DATA = os.path.join(ROOT, "tests", "Unlearn.Tokenizers.Tests", "Data")
TEMPLATES = os.path.join(DATA, "chat-templates")


class TemplateError(Exception):
    pass


def raise_exception(message):
    raise TemplateError(message)


def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
    return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)


def compile_template(source):
    environment = jinja2.sandbox.ImmutableSandboxedEnvironment(
        trim_blocks=True, lstrip_blocks=True, extensions=[jinja2.ext.loopcontrols])
    environment.filters["tojson"] = tojson
    environment.globals["raise_exception"] = raise_exception
    return environment.from_string(source)


def read(name):
    with open(os.path.join(TEMPLATES, name), encoding="utf-8", newline="") as f:
        return f.read()


def qwen_template():
    with open(os.path.join(DATA, "qwen2.5-hf", "tokenizer_config.json"), encoding="utf-8") as f:
        return json.load(f)["chat_template"]


LLAMA3_TOKENS = {"bos_token": "<|begin_of_text|>", "eos_token": "<|eot_id|>"}
QWEN_TOKENS = {"bos_token": None, "eos_token": "<|im_end|>", "pad_token": "<|endoftext|>"}
LLAMA2_TOKENS = {"bos_token": "<s>", "eos_token": "</s>", "unk_token": "<unk>"}

# (name, Unlearn format it is rendered with, template source, special tokens, end-of-turn marker, separator after it)
TEMPLATE_SET = [
    ("llama3.2-instruct", "llama3.1", read("llama3.2-instruct.jinja"), LLAMA3_TOKENS, "<|eot_id|>", ""),
    ("llama3.3-instruct", "llama3.1", read("llama3.3-instruct.jinja"), LLAMA3_TOKENS, "<|eot_id|>", ""),
    ("llama3-instruct", "llama3", read("llama3-instruct.jinja"), LLAMA3_TOKENS, "<|eot_id|>", ""),
    ("qwen2.5-instruct", "chatml", qwen_template(), QWEN_TOKENS, "<|im_end|>", "\n"),
    ("chatml-openhermes", "chatml-plain", read("chatml-openhermes.jinja"), QWEN_TOKENS, "<|im_end|>", "\n"),
    ("llama2-chat", "llama2", read("llama2-chat.jinja"), LLAMA2_TOKENS, "</s>", ""),
]


def m(role, content):
    return {"role": role, "content": content}


# Whitespace that Python's str.strip() removes (and Jinja's trim filter with it) but .NET's string.Trim() treats
# differently: U+001C..U+001F and U+0085 are Python whitespace; U+200B (zero width space) and U+FEFF are not.
ODD_SPACE = "\u00a0\u3000\u2003\x1c\x85"

CASES = [
    ("user-generation-prompt", [m("user", "Hello")], True, None),
    ("user-no-generation-prompt", [m("user", "Hello")], False, None),
    ("system-user-generation-prompt", [m("system", "You are a terse assistant."), m("user", "Name a colour.")], True, None),
    ("system-user-assistant", [m("system", "You are a terse assistant."), m("user", "Name a colour."), m("assistant", "Blue.")], False, None),
    ("multi-turn-with-system", [
        m("system", "Answer in one sentence."),
        m("user", "What is a chair?"),
        m("assistant", "A seat with a back for one person."),
        m("user", "And a stool?"),
        m("assistant", "A seat without a back or arms."),
        m("user", "Thanks."),
    ], True, None),
    ("multi-turn-without-system", [
        m("user", "Count to two."),
        m("assistant", "One, two."),
        m("user", "Now to three."),
        m("assistant", "One, two, three."),
    ], False, None),
    ("multi-turn-without-system-generation-prompt", [
        m("user", "Count to two."),
        m("assistant", "One, two."),
        m("user", "Now to three."),
    ], True, None),
    ("surrounding-whitespace", [
        m("system", "  Be brief.\n"),
        m("user", "\n\t Hi there  \r\n"),
        m("assistant", "   Hello!  \n\n"),
        m("user", ODD_SPACE + "odd spaces" + ODD_SPACE),
        m("assistant", "\u200bzero width stays\ufeff "),
    ], True, None),
    ("non-ascii", [
        m("system", "Réponds en français, s'il te plaît."),
        m("user", "Wie geht's? 你好，世界！ こんにちは 🙂 Привет, мир! مرحبا بالعالم नमस्ते"),
        m("assistant", "Très bien — ça va. 谢谢 👍🏽 Ça coûte 12,50 €."),
        m("user", "한국어도 돼요? Tiếng Việt thì sao?"),
    ], True, None),
    ("date-string", [m("user", "What is today's date?")], True, "01 Jan 2025"),
    ("empty-conversation", [], True, None),
    ("system-only", [m("system", "You are a helpful assistant.")], True, None),
    ("empty-assistant", [m("user", "Say nothing."), m("assistant", "")], False, None),
    ("system-in-the-middle", [m("user", "Hi"), m("system", "Switch to French."), m("user", "Bonjour")], True, None),
    ("roles-not-alternating", [m("user", "One"), m("user", "Two")], True, None),
    ("tool-response", [
        m("user", "What is 6 times 7?"),
        m("assistant", "I will ask the calculator."),
        m("tool", " 42 "),
        m("tool", "{\"ok\": true}"),
        m("user", "And?"),
    ], True, None),
]


def render(template, tokens, messages, generation_prompt, date):
    context = dict(tokens)
    if date is not None:
        context["date_string"] = date
    return template.render(messages=messages, tools=None, documents=None, add_generation_prompt=generation_prompt, **context)


def spans(template, tokens, messages, date, full, marker, separator):
    result = []
    for k, message in enumerate(messages):
        if message["role"] != "assistant":
            continue
        before = render(template, tokens, messages[:k], True, date)
        upto = render(template, tokens, messages[:k + 1], False, date)
        if not (full.startswith(upto) and upto.startswith(before)):
            sys.exit(f"a render of the first messages is not a prefix of the full render (message {k}); spans undefined")
        end = len(upto)
        if separator and upto.endswith(marker + separator):
            end -= len(separator)
        if not upto[:end].endswith(marker):
            sys.exit(f"assistant message {k} does not end with {marker!r}")
        result.append([len(before), end])
    return result


def utf16_index(text, index):
    """Python indexes code points; .NET strings index UTF-16 code units. The goldens carry .NET indices."""
    return len(text[:index].encode("utf-16-le")) // 2


def main():
    goldens = []
    for name, unlearn_format, source, tokens, marker, separator in TEMPLATE_SET:
        template = compile_template(source)
        for case, messages, generation_prompt, date in CASES:
            entry = {
                "template": name,
                "format": unlearn_format,
                "case": case,
                "messages": messages,
                "add_generation_prompt": generation_prompt,
                "date_string": date,
            }
            try:
                text = render(template, tokens, messages, generation_prompt, date)
            except (TemplateError, jinja2.exceptions.UndefinedError) as error:
                # raise_exception, or messages[0] of an empty conversation: transformers fails the same way.
                entry["error"] = f"{type(error).__name__}: {error}"
                goldens.append(entry)
                continue
            entry["text"] = text
            entry["assistant_spans"] = [[utf16_index(text, s), utf16_index(text, e)]
                                        for s, e in spans(template, tokens, messages, date, text, marker, separator)]
            goldens.append(entry)
    output = os.path.join(TEMPLATES, "goldens.json")
    with open(output, "w", encoding="utf-8", newline="\n") as f:
        json.dump({
            "generator": "tests/reference/chat_templates.py",
            "jinja2": jinja2.__version__,
            "cases": goldens,
        }, f, ensure_ascii=False, indent=1)
        f.write("\n")
    print(f"wrote {len(goldens)} renders to {os.path.relpath(output, ROOT)}")


if __name__ == "__main__":
    main()
