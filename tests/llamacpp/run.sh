#!/usr/bin/env bash
# Checks exported GGUF files in llama.cpp itself: installs node-llama-cpp 3.21.1 (pinned; prebuilt llama.cpp for
# linux-x64) into a cache folder outside the repository, exports models with `unlearn export --expectations`, and runs
# check.mjs on each (tokenizer ids, log-softmax at every prompt position, greedy ids, bans). Cases:
#   stories260K with row masks and a -inf vocabulary edit (SentencePiece "llama" vocabulary), f32 and q8_0;
#   random-weight models with real vocabularies (`unlearn make-model`): Llama 3 (gpt2 BPE, llama-bpe, llama3 RoPE
#   scaling, tied; and with q/k/v/o biases) and Qwen2.5 (gpt2 BPE, qwen2, biases, untied, padded vocabulary), f32.
#   the default experiment's exported variant: ./build.sh --target Export publishes hybrid+repair as GGUF f32; llama.cpp
#   runs that file against the run-time variant (`unlearn export --experiment play-stories260K --variant hybrid+repair
#   --expectations`: VariantResolver's edits as ForwardOptions on the base model, the greedy ids `unlearn generate
#   --temperature 0` of the variant gives), and the verb's own export of the variant must be byte-identical to it;
#   forget-stories260K's direction-removed variant (direction removal baked into o_proj/down_proj), f32.
# Each case counts as one test. The last line is "llamacpp: N passed, N failed", or "llamacpp: SKIPPED (reason)" when
# Node.js/npm are missing or the install fails (the exit status is then 0: nothing was checked, and it says so).
#   tests/llamacpp/run.sh [WORK_DIR]      (default artifacts/llamacpp-check; cache: $UNLEARN_NODE_CACHE)
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
WORK="${1:-$ROOT/artifacts/llamacpp-check}"
VERSION="3.21.1"
CACHE="${UNLEARN_NODE_CACHE:-$HOME/.cache/unlearn/node-llama-cpp-$VERSION}"
UNLEARN="$ROOT/src/Unlearn.Cli/bin/Release/net10.0/unlearn"
TOKENIZERS="$ROOT/tests/Unlearn.Tokenizers.Tests/Data"
VECTORS="$TOKENIZERS/llamacpp-vocab-tests"

skip() { echo "llamacpp: SKIPPED ($1)"; exit 0; }

command -v node >/dev/null 2>&1 || skip "node not found on PATH; install Node.js 20+ to check exports in llama.cpp"
command -v npm >/dev/null 2>&1 || skip "npm not found on PATH"
node_major="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)"
[ "$node_major" -ge 20 ] || skip "node $(node --version) is older than the 20 node-llama-cpp needs"
[ "$(uname -s)-$(uname -m)" = "Linux-x86_64" ] || skip "prebuilt llama.cpp is only used for linux-x64 here"

installed="$(node -p "require('$CACHE/node_modules/node-llama-cpp/package.json').version" 2>/dev/null || true)"
if [ "$installed" != "$VERSION" ]; then
  echo "llamacpp: installing node-llama-cpp@$VERSION into $CACHE"
  mkdir -p "$CACHE"
  [ -f "$CACHE/package.json" ] || echo '{"name": "unlearn-llamacpp-check", "private": true, "type": "module"}' > "$CACHE/package.json"
  (cd "$CACHE" && timeout 600 npm install --save-exact --no-audit --no-fund "node-llama-cpp@$VERSION" >"$CACHE/npm-install.log" 2>&1) \
    || skip "npm install node-llama-cpp@$VERSION failed (see $CACHE/npm-install.log)"
fi
cp "$ROOT/tests/llamacpp/check.mjs" "$CACHE/check.mjs"   # resolved against the cache's node_modules

if [ ! -x "$UNLEARN" ]; then
  dotnet build "$ROOT/src/Unlearn.Cli" -c Release -nologo -v quiet >/dev/null || { echo "llamacpp: 0 passed, 1 failed (could not build unlearn)"; exit 1; }
fi

rm -rf "$WORK"
mkdir -p "$WORK/tokenizers/llama3"
cp "$TOKENIZERS/llama3/tokenizer.model" "$TOKENIZERS/llama3.2-1b/tokenizer_config.json" "$TOKENIZERS/llama3.2-1b/special_tokens_map.json" "$WORK/tokenizers/llama3/"

passed=0
failed=0
# check NAME MODEL_DIR DTYPE PROMPT STRINGS_FILE [export options...]
check() {
  local name="$1" model="$2" dtype="$3" prompt="$4" strings="$5"
  shift 5
  local args=(--model "$model" --format gguf --dtype "$dtype" --out "$WORK/$name" --expectations "$WORK/$name-expected" --check-prompt "$prompt")
  [ -n "$strings" ] && args+=(--check-strings "$strings")
  if ! "$UNLEARN" export "${args[@]}" "$@" >"$WORK/$name.export.log" 2>&1; then
    echo "FAIL $name: unlearn export failed:"; cat "$WORK/$name.export.log"
    failed=$((failed + 1)); return
  fi
  if (cd "$CACHE" && node check.mjs "$WORK/$name-expected" "$WORK/$name/model-$dtype.gguf"); then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
  fi
}

make_model() {
  "$UNLEARN" make-model "$@" >/dev/null || { echo "FAIL: unlearn make-model $*"; failed=$((failed + 1)); return 1; }
}

stories_edits=(--edits "$ROOT/tests/Unlearn.Models.Tests/Data/export/stories260K/masks.safetensors"
               --edits "$ROOT/tests/Unlearn.Models.Tests/Data/export/stories260K/vocab-edits.json")
prompt="Once upon a time, there was a little girl who liked to"
check stories260K-edited-f32 "$ROOT/models/stories260K" f32 "$prompt" "$VECTORS/ggml-vocab-llama-spm.gguf.inp" "${stories_edits[@]}"
check stories260K-edited-q8_0 "$ROOT/models/stories260K" q8_0 "$prompt" "" "${stories_edits[@]}"

prompt="The quick brown fox jumps over the lazy dog."
make_model --like llama3 --tokenizer "$WORK/tokenizers/llama3" --seed 0 --out "$WORK/models/llama3" \
  && check llama3-f32 "$WORK/models/llama3" f32 "$prompt" "$VECTORS/ggml-vocab-llama-bpe.gguf.inp"
make_model --like llama3 --attention-bias --tokenizer "$WORK/tokenizers/llama3" --seed 3 --out "$WORK/models/llama3-bias" \
  && check llama3-bias-f32 "$WORK/models/llama3-bias" f32 "$prompt" ""
make_model --like qwen2 --vocab-size 151936 --tokenizer "$TOKENIZERS/qwen2.5-0.5b-instruct" --seed 0 --out "$WORK/models/qwen2" \
  && check qwen2-f32 "$WORK/models/qwen2" f32 "$prompt" "$VECTORS/ggml-vocab-qwen2.gguf.inp"

# export_variant NAME EXPERIMENT VARIANT [options...]: `unlearn export --experiment` of the variant as GGUF f32 into
# $WORK/NAME with its expectations (computed from the run-time variant); counts a failure and returns 1 if it fails.
export_variant() {
  local name="$1" experiment="$2" variant="$3"
  shift 3
  if ! "$UNLEARN" export --root "$ROOT" --experiment "$experiment" --variant "$variant" --format gguf --release-cost false \
       --out "$WORK/$name" --expectations "$WORK/$name-expected" --check-prompt "$prompt" "$@" >"$WORK/$name.export.log" 2>&1; then
    echo "FAIL $name: unlearn export --experiment failed:"; cat "$WORK/$name.export.log"
    failed=$((failed + 1)); return 1
  fi
}

# run_check NAME GGUF_FILE: check.mjs on the file against $WORK/NAME-expected; one test.
run_check() {
  if (cd "$CACHE" && node check.mjs "$WORK/$1-expected" "$2"); then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
  fi
}

# The exported default variant (item 5 of issue 14): the Export target's own file, not one made for the check.
export_default() {
  local name="play-stories260K-hybrid-repair-f32"
  local published="$ROOT/artifacts/play-stories260K/export/hybrid+repair/gguf/model-f32.gguf"
  local started=$(date +%s)
  if ! (cd "$ROOT" && ./build.sh --target Export) >"$WORK/$name.build.log" 2>&1; then
    echo "FAIL $name: ./build.sh --target Export failed:"; tail -n 30 "$WORK/$name.build.log"
    failed=$((failed + 1)); return
  fi
  echo "llamacpp: ./build.sh --target Export took $(( $(date +%s) - started )) s"
  export_variant "$name" play-stories260K hybrid+repair --check-strings "$VECTORS/ggml-vocab-llama-spm.gguf.inp" || return
  if ! cmp -s "$published" "$WORK/$name/model-f32.gguf"; then
    echo "FAIL $name: unlearn export --experiment wrote other bytes than the Export target ($published)"
    failed=$((failed + 1)); return
  fi
  echo "PASS $name: unlearn export --experiment writes the Export target's bytes"
  run_check "$name" "$published"
}
prompt="Once upon a time, there was a little girl who liked to"
export_default

# Direction removal baked into weights: forget-stories260K's direction-removed variant (u removed from o_proj and
# down_proj of every layer), exported by `unlearn export --experiment` (which brings the experiment up to Evaluate,
# reusing what CI's Check built) and checked against the run-time variant (the removal as a hook at the write sites).
prompt="Once upon a time, there was a little girl named"
export_variant forget-stories260K-direction-removed-f32 forget-stories260K direction-removed \
  && run_check forget-stories260K-direction-removed-f32 "$WORK/forget-stories260K-direction-removed-f32/model-f32.gguf"

echo "llamacpp: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
