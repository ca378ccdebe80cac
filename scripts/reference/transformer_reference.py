"""Reference numbers for gw.transformer: a numpy forward pass of the hooked transformer, and attention
rollout / gradient-weighted rollout / max-flow on small fixed attention stacks (networkx for the flow).

  .venv-ref/bin/python scripts/reference/transformer_reference.py fixtures   # test/fixtures/transformer/*.json
  .venv-ref/bin/python scripts/reference/transformer_reference.py bench 512 8 8   # rollout/flow timings (JSON)
"""
import json
import sys
import time
from pathlib import Path

import networkx as nx
import numpy as np

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "test" / "fixtures" / "transformer"
VERSIONS = {"numpy": np.__version__, "networkx": nx.__version__}


# ---- forward pass: the same computation as src/transformer/layers.ts + build.ts ----
def layer_norm(x, w, b):
    c = x - x.mean(-1, keepdims=True)
    return c / np.sqrt((c**2).mean(-1, keepdims=True) + 1e-5) * w + b


def softmax(x):
    e = np.exp(x - x.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


def random_weights(cfg, rng):
    d, h, v, t, m = cfg["dModel"], cfg["heads"], cfg["vocabularySize"], cfg["contextLength"], cfg["dMlp"]
    e = d // h
    r = lambda *shape: (rng.normal(size=shape) * 0.3).astype(np.float32)
    w = {"hook_embed": [r(v, d)], "hook_pos_embed": [r(t, d)]}
    for l in range(cfg["layers"]):
        b = f"blocks.{l}"
        w[f"{b}.ln1.hook_normalized"] = [1 + r(d), r(d)]
        for k in "qkv":
            w[f"{b}.attn.hook_{k}"] = [r(d, h, e), r(h, e)]
        w[f"{b}.hook_attn_out"] = [r(h, e, d), r(d)]
        if m > 0:
            w[f"{b}.ln2.hook_normalized"] = [1 + r(d), r(d)]
            w[f"{b}.mlp.hook_pre"] = [r(d, m), r(m)]
            w[f"{b}.hook_mlp_out"] = [r(m, d), r(d)]
    w["ln_final.hook_normalized"] = [1 + r(d), r(d)]
    out = v if cfg["head"]["kind"] == "lm" else cfg["head"]["classes"]
    w["unembed" if cfg["head"]["kind"] == "lm" else "logits"] = [r(d, out), r(out)]
    return w


def forward(cfg, w, tokens):
    f = lambda a: a.astype(np.float64)
    n, t = tokens.shape
    cache = {}
    x = f(w["hook_embed"][0])[tokens] + f(w["hook_pos_embed"][0])[:t][None]
    for l in range(cfg["layers"]):
        b = f"blocks.{l}"
        cache[f"{b}.hook_resid_pre"] = x
        ln = layer_norm(x, *map(f, w[f"{b}.ln1.hook_normalized"]))
        q, k, v = (np.einsum("ntd,dhe->nthe", ln, f(w[f"{b}.attn.hook_{c}"][0])) + f(w[f"{b}.attn.hook_{c}"][1]) for c in "qkv")
        scores = np.einsum("nqhe,nkhe->nhqk", q, k) / np.sqrt(q.shape[-1])
        if cfg["causal"]:
            scores = scores + (1 - np.tril(np.ones((t, t)))) * -1e9
        if cfg["padId"] >= 0:
            scores = scores + ((tokens == cfg["padId"]) * -1e9)[:, None, None, :]
        pattern = softmax(scores)
        cache[f"{b}.attn.hook_pattern"] = pattern
        z = np.einsum("nhqk,nkhe->nqhe", pattern, v)
        cache[f"{b}.attn.hook_z"] = z
        attn = np.einsum("nthe,hed->ntd", z, f(w[f"{b}.hook_attn_out"][0])) + f(w[f"{b}.hook_attn_out"][1])
        x = x + attn
        if cfg["dMlp"] > 0:
            cache[f"{b}.hook_resid_mid"] = x
            ln2 = layer_norm(x, *map(f, w[f"{b}.ln2.hook_normalized"]))
            post = np.maximum(ln2 @ f(w[f"{b}.mlp.hook_pre"][0]) + f(w[f"{b}.mlp.hook_pre"][1]), 0)
            cache[f"{b}.mlp.hook_post"] = post
            x = x + post @ f(w[f"{b}.hook_mlp_out"][0]) + f(w[f"{b}.hook_mlp_out"][1])
        cache[f"{b}.hook_resid_post"] = x
    final = layer_norm(x, *map(f, w["ln_final.hook_normalized"]))
    if cfg["head"]["kind"] == "lm":
        logits = final @ f(w["unembed"][0]) + f(w["unembed"][1])
    else:
        keep = (tokens != cfg["padId"]).astype(np.float64)[..., None]
        pooled = (final * keep).sum(1) / np.maximum(keep.sum(1), 1)
        logits = pooled @ f(w["logits"][0]) + f(w["logits"][1])
    return softmax(logits), cache


def forward_fixture():
    cases = []
    configs = [
        dict(vocabularySize=11, contextLength=8, dModel=16, heads=2, layers=2, dMlp=32, causal=True, padId=-1, head={"kind": "lm"}, seed=1),
        dict(vocabularySize=13, contextLength=7, dModel=12, heads=3, layers=1, dMlp=24, causal=False, padId=0, head={"kind": "classifier", "classes": 2}, seed=2),
        dict(vocabularySize=9, contextLength=6, dModel=8, heads=2, layers=2, dMlp=0, causal=True, padId=-1, head={"kind": "lm"}, seed=3),
    ]
    for i, cfg in enumerate(configs):
        rng = np.random.default_rng(100 + i)
        w = random_weights(cfg, rng)
        low = 0 if cfg["padId"] < 0 else 1
        tokens = rng.integers(low, cfg["vocabularySize"], size=(3, cfg["contextLength"] - 1))
        if cfg["padId"] >= 0:
            tokens[0, -2:] = cfg["padId"]
        out, cache = forward(cfg, w, tokens)
        cases.append(
            {
                "config": cfg,
                "weights": {k: [a.tolist() for a in v] for k, v in w.items()},
                "tokens": tokens.tolist(),
                "output": out.tolist(),
                "cache": {k: v.tolist() for k, v in cache.items() if k.endswith(("hook_pattern", "hook_resid_post", "hook_z", "mlp.hook_post"))},
            }
        )
    return {"versions": VERSIONS, "cases": cases}


# ---- rollout, gradient rollout, flow ----
def fuse(heads, fusion):
    return {"mean": heads.mean(0), "max": heads.max(0), "min": heads.min(0)}[fusion]


def effective(fused, residual):
    a = fused + (np.eye(fused.shape[0]) if residual else 0)
    s = a.sum(-1, keepdims=True)
    return np.where(s > 0, a / np.where(s > 0, s, 1), 0)


def rollout(stack, residual=True, fusion="mean", start=0):
    r = None
    for heads in stack[start:]:
        a = effective(fuse(heads, fusion), residual)
        r = a if r is None else a @ r
    return r


def gradient_rollout(stack, grads):
    t = stack[0].shape[-1]
    r = np.eye(t)
    for a, g in zip(stack, grads):
        r = r + np.maximum(a * g, 0).mean(0) @ r
    return r


def flow(stack, output, residual=True, fusion="mean", start=0):
    layers = [effective(fuse(h, fusion), residual) for h in stack[start:]]
    t = layers[0].shape[0]
    g = nx.DiGraph()
    for l, a in enumerate(layers):
        for i in range(t):
            for j in range(t):
                if a[i, j] > 0:
                    g.add_edge((l + 1, i), (l, j), capacity=float(a[i, j]))
    return [nx.maximum_flow_value(g, (len(layers), output), (0, j)) if (0, j) in g else 0.0 for j in range(t)]


def random_stack(rng, layers, heads, t, causal):
    s = rng.random((layers, heads, t, t)) ** 3
    if causal:
        s = s * np.tril(np.ones((t, t)))
    return s / s.sum(-1, keepdims=True)


def rollout_fixture():
    # The closed-form case: 2 layers, 3 tokens, given row-stochastic matrices (2 heads each).
    fixed = np.array(
        [
            [[[1, 0, 0], [0.5, 0.5, 0], [0.2, 0.3, 0.5]], [[1, 0, 0], [0.9, 0.1, 0], [0.6, 0.2, 0.2]]],
            [[[1, 0, 0], [0.25, 0.75, 0], [0.1, 0.1, 0.8]], [[1, 0, 0], [0, 1, 0], [0.4, 0.4, 0.2]]],
        ],
        dtype=np.float64,
    )
    rng = np.random.default_rng(7)
    stacks = {"fixed-2x3": fixed, "random-3x6": random_stack(rng, 3, 3, 6, True), "dense-2x5": random_stack(rng, 2, 2, 5, False)}
    cases = []
    for name, stack in stacks.items():
        grads = rng.normal(size=stack.shape)
        t = stack.shape[-1]
        case = {"name": name, "stack": stack.tolist(), "gradients": grads.tolist(), "rollout": [], "flow": []}
        for residual in (True, False):
            for fusion in ("mean", "max", "min"):
                for start in range(stack.shape[0]):
                    opts = {"residual": residual, "headFusion": fusion, "startLayer": start}
                    case["rollout"].append({"options": opts, "value": rollout(stack, residual, fusion, start).tolist()})
        for residual in (True, False):
            for output in range(t):
                opts = {"residual": residual, "headFusion": "mean", "startLayer": 0}
                case["flow"].append({"options": opts, "output": output, "value": flow(stack, output, residual)})
        case["gradientRollout"] = gradient_rollout(stack, grads).tolist()
        cases.append(case)
    return {"versions": VERSIONS, "cases": cases}


def bench(t, layers, heads):
    rng = np.random.default_rng(0)
    stack = random_stack(rng, layers, heads, t, True)
    started = time.perf_counter()
    rollout(stack)
    rollout_s = time.perf_counter() - started
    small = random_stack(rng, layers, heads, 64, True)
    started = time.perf_counter()
    flow(small, 63)
    flow_s = time.perf_counter() - started
    print(json.dumps({"tokens": t, "layers": layers, "heads": heads, "numpyRolloutSeconds": rollout_s, "networkxFlowSeconds64": flow_s, **VERSIONS}))


if __name__ == "__main__":
    if sys.argv[1:2] == ["bench"]:
        bench(*map(int, sys.argv[2:5]))
    else:
        OUT.mkdir(parents=True, exist_ok=True)
        (OUT / "forward.json").write_text(json.dumps(forward_fixture()) + "\n")
        (OUT / "rollout-flow.json").write_text(json.dumps(rollout_fixture()) + "\n")
        print("wrote", OUT)
