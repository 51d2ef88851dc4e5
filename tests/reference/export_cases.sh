#!/usr/bin/env bash
# Exports every case of export_reference.py with the project's own `unlearn export` into DIR (a Hugging Face folder
# and a GGUF per tensor type), for `export_reference.py golden --exported DIR`. Run from anywhere:
#   tests/reference/export_cases.sh /tmp/export-cases
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
OUT="${1:?usage: export_cases.sh DIR}"
UNLEARN="$ROOT/src/Unlearn.Cli/bin/Release/net10.0/unlearn"
DATA="$ROOT/tests/Unlearn.Models.Tests/Data"
for case in llama3-mini qwen2-mini stories260K; do
  if [ "$case" = stories260K ]; then base="$ROOT/models/stories260K"; else base="$DATA/golden/$case"; fi
  edits=(--edits "$DATA/export/$case/masks.safetensors" --edits "$DATA/export/$case/vocab-edits.json")
  [ -d "$DATA/export/$case/adapter" ] && edits+=(--adapter "$DATA/export/$case/adapter")
  [ "$case" = qwen2-mini ] && edits+=(--keep-masks false)
  # The mini models have no tokenizer; a GGUF needs one, so they borrow stories260K's (their extra ids become [PAD]).
  "$UNLEARN" export --model "$base" "${edits[@]}" --tokenizer "$ROOT/models/stories260K" --format hf --out "$OUT/$case-hf"
  for dtype in f32 f16 bf16 q8_0; do
    "$UNLEARN" export --model "$base" "${edits[@]}" --tokenizer "$ROOT/models/stories260K" --format gguf --dtype "$dtype" --out "$OUT/$case-gguf-$dtype"
  done
done
