"""What the domain gate is trained on and how: the banks, the corpus's headings, the regression."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np

BANK = Path(__file__).with_name("offtopic_bank.txt")
SERVICE_BANK = Path(__file__).with_name("service_bank.txt")
EPOCHS, STEP, L2 = 3000, 2.0, 1e-3


def offtopic_bank(path: Path = BANK) -> list[str]:
    """The bundled off-topic queries, or another bank's lines (comment lines skipped)."""
    lines = path.read_text("utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def domain_texts(passages: list[dict]) -> list[str]:
    """What the corpus is about, phrased like queries: its distinct headings."""
    return sorted({p["heading"] for p in passages if p.get("heading")})


def bank_fingerprint(banks: list[list[str]]) -> str:
    """A hash of the banks' texts, in order: a gate trained on other texts is out of date."""
    h = hashlib.sha256()
    for bank in banks:
        h.update(("\x1f".join(bank) + "\x1e").encode())
    return h.hexdigest()[:16]


def fit_direction(in_domain: np.ndarray, off_topic: np.ndarray) -> tuple[np.ndarray, float]:
    """Class-balanced logistic regression by full-batch gradient descent (deterministic):
    float32 weights and the bias over raw query vectors (search.domain_gate.DomainGate.train).

    Each dimension is standardised first (e5 vectors share a large common component, and
    descent on the raw ones stops far from the optimum); the scaling is folded back into
    the weights, so the gate still scores raw query vectors.
    """
    raw = np.vstack([in_domain, off_topic]).astype(np.float64)
    mean, scale = raw.mean(axis=0), raw.std(axis=0) + 1e-6
    x = (raw - mean) / scale
    y = np.r_[np.ones(len(in_domain)), np.zeros(len(off_topic))]
    share = np.where(y == 1, 0.5 / len(in_domain), 0.5 / len(off_topic))
    w, b = np.zeros(x.shape[1]), 0.0
    for _ in range(EPOCHS):
        p = 1.0 / (1.0 + np.exp(-(x @ w + b)))
        g = (p - y) * share
        w -= STEP * (x.T @ g + L2 * w)
        b -= STEP * float(g.sum())
    return (w / scale).astype(np.float32), b - float((w * mean / scale).sum())
