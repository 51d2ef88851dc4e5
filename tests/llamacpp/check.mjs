// Checks an exported GGUF in llama.cpp itself (node-llama-cpp 3.21.1, its prebuilt llama.cpp) against what this
// project's runtime computed for the same model (expectations.json, written by `unlearn export --expectations`):
//   1. tokenizer: llama.cpp's ids for each test string equal ours (no BOS, special tokens not parsed);
//   2. log-softmax at every position of a multi-token prompt within the tolerance (1e-4 for f32 files, every token;
//      quantized files: the tokens above expectations' logprob_floor);
//   3. greedy continuation: llama.cpp's ids equal ours token for token (for f16/bf16/q8_0 files, whose activations
//      llama.cpp also rounds, a divergence passes only where our top-two logits are closer than twice the tolerance);
//   4. bans: with the sidecar's bans applied (TokenBias "never", i.e. logit -inf), the greedy continuation equals
//      our -inf variant's, and every banned token has probability exactly 0 at every step (no sampler can produce
//      it), while without the bans the zero-row form gives them a probability above 0 (so the check can fail).
// Settings that keep llama.cpp exact: F32 KV cache, flash attention off, no repeat penalty (its defaults move
// logits by ~1e-3). Usage: node check.mjs EXPECTATIONS_DIR GGUF_FILE. Prints one line per check; exit 1 on failure.
import fs from "node:fs";
import path from "node:path";
import {getLlama, LlamaLogLevel, TokenBias} from "node-llama-cpp";

const [expectationsDir, ggufPath] = process.argv.slice(2);
if (!expectationsDir || !ggufPath) {
    console.error("usage: node check.mjs EXPECTATIONS_DIR GGUF_FILE");
    process.exit(2);
}
const expected = JSON.parse(fs.readFileSync(path.join(expectationsDir, "expectations.json"), "utf8"));
const logProbBytes = fs.readFileSync(path.join(expectationsDir, expected.logprobs_file));
const expectedLogProbs = new Float32Array(logProbBytes.buffer, logProbBytes.byteOffset, logProbBytes.byteLength / 4);
const vocab = expected.vocab_size;
const label = `${path.basename(path.dirname(path.resolve(ggufPath)))}/${path.basename(ggufPath)}`;
let failures = 0;

function report(ok, what, detail) {
    console.log(`${ok ? "PASS" : "FAIL"} ${label}: ${what}${detail ? ` (${detail})` : ""}`);
    if (!ok) failures++;
}

function firstDifference(a, b) {
    for (let i = 0; i < Math.max(a.length, b.length); i++) if (a[i] !== b[i]) return i;
    return -1;
}

const llama = await getLlama({gpu: false, build: "never", logLevel: LlamaLogLevel.error});
const model = await llama.loadModel({modelPath: ggufPath, gpuLayers: 0});
const context = await model.createContext({
    contextSize: Math.max(128, expected.prompt_ids.length + expected.greedy_ids.length + 8),
    sequences: 1,
    flashAttention: false,
    experimentalKvCacheKeyType: "F32",
    experimentalKvCacheValueType: "F32",
    // One thread: on a busy 2-core machine a second llama.cpp thread waits on the other (measured 400 ms per token with 2, 3 ms with 1).
    threads: 1,
});
const sequence = context.getSequence();

// 1. Tokenizer.
let tokenizerMismatches = [];
for (const {text, ids} of expected.tokenizer) {
    const theirs = Array.from(model.tokenize(text, false));
    if (firstDifference(theirs, ids) >= 0) tokenizerMismatches.push({text, ours: ids, llamacpp: theirs});
}
report(tokenizerMismatches.length === 0, `tokenizer ids on ${expected.tokenizer.length} test strings`,
    tokenizerMismatches.length ? `${tokenizerMismatches.length} differ, first: ${JSON.stringify(tokenizerMismatches[0])}` : "");
const promptTokens = Array.from(model.tokenize(expected.prompt, false));
const bos = model.tokens.bos;
const withBos = expected.prompt_ids[0] === bos ? [bos, ...promptTokens] : promptTokens;
report(firstDifference(withBos, expected.prompt_ids) < 0, "prompt ids", `ours ${JSON.stringify(expected.prompt_ids)}, llama.cpp ${JSON.stringify(withBos)}`);

// Greedy decoding with full next-token distributions: the prompt (every position asks for probabilities), then one
// token at a time (asking for probabilities too when `everyStep`). Probabilities come from llama.cpp's raw logits
// (greedy sampler, no penalties) after the token bias, if any.
async function greedy(count, tokenBias, wantLogProbs, everyStep = false) {
    await sequence.clearHistory();
    const options = {temperature: 0, ...(tokenBias ? {tokenBias} : {})};
    const input = expected.prompt_ids.map((token, i) => [token, {generateNext: {
        probabilities: wantLogProbs, token: i === expected.prompt_ids.length - 1, options}}]);
    const results = await sequence.controlledEvaluate(input);
    const logProbs = wantLogProbs ? results.map(r => r.next.probabilities) : [];
    const ids = [];
    let next = results[results.length - 1].next.token;
    while (ids.length < count) {
        ids.push(next);
        if (ids.length === count) break;
        const [step] = await sequence.controlledEvaluate([[next, {generateNext: {token: true, probabilities: everyStep, options}}]]);
        if (everyStep) logProbs.push(step.next.probabilities);
        next = step.next.token;
    }
    return {ids, logProbs};
}

// 2. Log-softmax at every prompt position.
const {ids: greedyIds, logProbs} = await greedy(expected.greedy_ids.length, null, true);
const floor = expected.logprob_floor ?? -Infinity;
let worst = 0, worstAt = "";
for (let t = 0; t < logProbs.length; t++) {
    const probabilities = logProbs[t];
    for (let id = 0; id < vocab; id++) {
        const ours = expectedLogProbs[t * vocab + id];
        if (ours < floor) continue;
        const p = probabilities.get(id) ?? 0;
        const theirs = Math.log(p);
        // A probability that underflows float32 cannot be compared; ours must then be tiny too.
        const diff = p === 0 ? (ours < -87 ? 0 : Infinity) : Math.abs(theirs - ours);
        if (diff > worst) { worst = diff; worstAt = `position ${t}, token ${id}: ours ${ours}, llama.cpp ${theirs}`; }
    }
}
report(worst <= expected.logprob_tolerance, `log-softmax at ${logProbs.length} positions × ${floor === -Infinity ? vocab : `${vocab} (those above ${floor.toFixed(2)})`} tokens within ${expected.logprob_tolerance}`,
    `max |Δ| ${worst.toExponential(2)}${worst > expected.logprob_tolerance ? ` at ${worstAt}` : ""}`);

// 3. Greedy continuation. An exact file must agree everywhere; a rounded one may part ways only at a near-tie.
function compareGreedy(what, theirs, ours, margins) {
    const at = firstDifference(theirs, ours);
    if (at < 0) return report(true, `${what}: ${ours.length} tokens equal ours`);
    const nearTie = floor !== -Infinity && margins[at] < 2 * expected.logprob_tolerance;
    report(nearTie, `${what}: ${at} of ${ours.length} tokens equal ours, then a ${nearTie ? "near-tie" : "difference"}`,
        `new token ${at}: ours ${ours[at]}, llama.cpp ${theirs[at]}, our top-two logit margin ${margins[at]}`);
}
compareGreedy("greedy", greedyIds, expected.greedy_ids, expected.greedy_margins);

// 4. Bans: llama.cpp with TokenBias "never" (-inf) reproduces our -inf variant's greedy ids, and gives every banned
// token probability exactly 0 at every prompt position and generated step — so no sampler can ever produce one —
// while without the list (the zero-row form alone) the same tokens keep a probability above 0.
if (expected.banned_ids.length > 0) {
    const bias = new TokenBias(model.tokenizer);
    for (const id of expected.banned_ids) bias.set(id, "never");
    const banned = await greedy(expected.greedy_banned_ids.length, bias, true, true);
    compareGreedy(`greedy with the ${expected.banned_ids.length} bans (our -inf variant)`, banned.ids, expected.greedy_banned_ids, expected.greedy_banned_margins);
    const withBans = Math.max(...banned.logProbs.flatMap(p => expected.banned_ids.map(id => p.get(id) ?? 0)));
    const withoutBans = Math.max(...logProbs.flatMap(p => expected.banned_ids.map(id => p.get(id) ?? 0)));
    report(withBans === 0 && withoutBans > 0,
        `banned tokens have probability 0 at all ${banned.logProbs.length} steps with the bans`,
        `largest with the bans ${withBans}; without them (zero-row form) ${withoutBans.toExponential(2)}`);
}

await context.dispose();
await model.dispose();
await llama.dispose();
process.exit(failures === 0 ? 0 : 1);
