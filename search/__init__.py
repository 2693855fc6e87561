"""Passages, embedding model provisioning, BM25, faiss, fusion and evaluation."""
