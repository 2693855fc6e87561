"""Many domain-gate directions trained at once: search.gate_training.fit_direction, batched.

Leave-one-part-out floors need a gate per pair of left-out pool parts (hundreds); one at a
time that is ~5 s each. Every gate here shares one matrix of rows (the in-domain texts, then
the off-topic bank) and differs only in which rows it holds (a 0/1 mask), so the descent runs
as matrix products over all of them. The algebra is fit_direction's: each gate standardises
its own rows, and the scaling is carried in the weights (x = (raw - mean) / scale, so x @ w =
raw @ (w / scale) - mean @ (w / scale)); only the order of float64 sums differs
(benchmarks/gate_questions_lopo.py check compares the two).
"""

from __future__ import annotations

import numpy as np

from search.gate_training import EPOCHS, L2, STEP


def fit_many(rows: np.ndarray, inside: np.ndarray, masks: np.ndarray) \
        -> list[tuple[np.ndarray, float]]:
    """(float32 weights, bias) per mask column: the regression of fit_direction over the rows
    the column holds (`inside`: which rows are in domain, the rest off-topic)."""
    raw = np.asarray(rows, dtype=np.float64)
    held = np.asarray(masks, dtype=np.float64)  # n x k, 1 where gate k trains on the row
    y = np.asarray(inside, dtype=np.float64)[:, None]
    n_in, n_off = (held * y).sum(axis=0), (held * (1 - y)).sum(axis=0)
    # class-balanced as fit_direction: each side weighs one half, spread over its rows
    share = held * np.where(y == 1, 0.5 / n_in, 0.5 / n_off)
    count = held.sum(axis=0)
    mean = (raw.T @ held) / count  # d x k, each gate's own column means
    # centred per gate, as numpy's std (a one-pass variance loses digits)
    scale = np.stack([np.sqrt((((raw - mean[:, k]) ** 2) * held[:, k:k + 1]).sum(axis=0)
                              / count[k]) for k in range(held.shape[1])], axis=1) + 1e-6
    w, b = np.zeros_like(mean), np.zeros(held.shape[1])
    for _ in range(EPOCHS):
        v = w / scale
        p = 1.0 / (1.0 + np.exp(-(raw @ v - (mean * v).sum(axis=0) + b)))
        g = (p - y) * share
        gsum = g.sum(axis=0)
        w -= STEP * ((raw.T @ g - mean * gsum) / scale + L2 * w)
        b -= STEP * gsum
    out = []
    for k in range(held.shape[1]):
        v = w[:, k] / scale[:, k]
        out.append((v.astype(np.float32), float(b[k] - (w[:, k] * mean[:, k] / scale[:, k]).sum())))
    return out
