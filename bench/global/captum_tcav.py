"""Captum's TCAV on the activations gw.tcav used (bench/global/bench.ts writes them), timed.

The model Captum sees is the tail of shortcut-mnist-cnn after dense_1 (logits Dense + softmax), in torch,
with an Identity layer named 'act' where dense_1's output enters: the same activations, the same
gradients, the same concept and random sets (concept vs random_i, i = 1..10, and random-vs-random).
  .venv-ref/bin/python bench/global/captum_tcav.py .cache/bench-global/tcav.json
"""
import json
import sys
import tempfile
import time

import captum
import numpy as np
import torch
from captum.concept import TCAV, Concept
from torch.utils.data import DataLoader, TensorDataset

data = json.load(open(sys.argv[1]))
torch.manual_seed(0)
w = torch.tensor(data["kernel"], dtype=torch.float32)  # [64, 10]
b = torch.tensor(data["bias"], dtype=torch.float32)


class Tail(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.act = torch.nn.Identity()
        self.logits = torch.nn.Linear(64, 10)
        with torch.no_grad():
            self.logits.weight.copy_(w.T)
            self.logits.bias.copy_(b)

    def forward(self, x):
        return torch.softmax(self.logits(self.act(x)), dim=1)


model = Tail().eval()


def concept(i, name, rows):
    t = torch.tensor(rows, dtype=torch.float32)
    return Concept(i, name, DataLoader(TensorDataset(t), batch_size=len(rows), collate_fn=lambda b: torch.stack([x[0] for x in b])))


inputs = torch.tensor(data["inputs"], dtype=torch.float32)
start = time.perf_counter()
with tempfile.TemporaryDirectory() as save:
    mark = concept(0, "watermark", data["concept"])
    randoms = [concept(i + 1, f"random{i}", r) for i, r in enumerate(data["randoms"])]
    nulls = [concept(100 + i, f"null{i}", r) for i, r in enumerate(data["nulls"])]
    tcav = TCAV(model, layers=["act"], save_path=save)
    sets = [[mark, r] for r in randoms] + [[n, r] for n, r in zip(nulls, randoms)]
    scores = tcav.interpret(inputs, experimental_sets=sets, target=data["target"])
    elapsed = time.perf_counter() - start
    # Each set's score of its first concept, and that concept's CAV (the classifier's row for its class),
    # so that the bench can score Captum's own CAVs on Glasswing's gradients.
    per_set = []
    for pair in sets:
        key = "-".join(str(c.id) for c in pair)
        stats = tcav.cavs[key]["act"].stats
        row = [int(c) for c in stats["classes"]].index(pair[0].id)
        per_set.append(
            {
                "score": float(scores[key]["act"]["sign_count"][0]),
                "cav": stats["weights"][row].float().tolist(),
                "accuracy": float(stats["accs"]),
            }
        )
concept_scores = [s["score"] for s in per_set[: len(randoms)]]
print(
    json.dumps(
        {
            "what": "captum TCAV",
            "captum": captum.__version__,
            "seconds": elapsed,
            "meanScore": float(np.mean(concept_scores)),
            "cavs": len(sets),
            "sets": per_set,
        }
    )
)
