"""retrieval.retriever.fuse: reciprocal-rank fusion of the dense and BM25 rankings."""
from __future__ import annotations

import pytest

from index.types import Chunk
from retrieval.retriever import fuse


def _chunk(name: str) -> Chunk:
    return Chunk(chunk_id=f"doc:{name}", doc_id="doc", display_name="d", section_path=(), text=name, start=0, end=1,
                 ordinal=0)


A, B, C, D = (_chunk(name) for name in "abcd")


def test_a_chunk_both_rankings_agree_on_comes_first() -> None:
    hits = fuse([[A, B, C], [C, D]], k=10, rrf_k=60)
    assert hits[0].chunk == C
    assert [hit.chunk for hit in hits[1:]] == [A, B, D]  # B and D tie (second in one ranking each): first seen first


def test_scores_are_sums_of_reciprocal_ranks() -> None:
    hits = {hit.chunk.chunk_id: hit for hit in fuse([[A, B], [B]], k=10, rrf_k=60)}
    assert hits["doc:a"].score == pytest.approx(1 / 61)
    assert hits["doc:b"].score == pytest.approx(1 / 62 + 1 / 61)


def test_each_hit_keeps_its_rank_in_each_ranking() -> None:
    hits = {hit.chunk.chunk_id: hit for hit in fuse([[A, B], [B, D]], k=10, rrf_k=60)}
    assert (hits["doc:a"].dense_rank, hits["doc:a"].sparse_rank) == (0, None)
    assert (hits["doc:b"].dense_rank, hits["doc:b"].sparse_rank) == (1, 0)
    assert (hits["doc:d"].dense_rank, hits["doc:d"].sparse_rank) == (None, 1)


def test_k_limits_the_hits_and_empty_rankings_give_none() -> None:
    assert [hit.chunk for hit in fuse([[A, B, C, D]], k=2, rrf_k=60)] == [A, B]
    assert fuse([[], []], k=5, rrf_k=60) == []


def test_the_constant_sets_how_much_agreement_outweighs_a_top_rank() -> None:
    rankings = [[A, B], [C, B]]  # A first once (1/(k+1)); B second twice (2/(k+2))
    assert fuse(rankings, k=1, rrf_k=1)[0].chunk == B  # 1/2 < 2/3
    assert [hit.score for hit in fuse(rankings, k=2, rrf_k=0)] == [1.0, 1.0]  # 1/1 == 2/2: a tie


def test_ties_keep_the_order_first_seen() -> None:
    assert [hit.chunk for hit in fuse([[A], [B]], k=2, rrf_k=60)] == [A, B]
