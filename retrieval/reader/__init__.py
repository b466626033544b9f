"""The trained extractive reader: a span model on the multilingual-e5-small encoder.

``data`` reads SQuAD-format reading-comprehension files and makes no-answer
negatives, ``features`` turns (question, passage) pairs into model inputs,
``model`` is the encoder with its span head, ``postprocess`` turns logits into
spans, ``train`` fine-tunes the top layers, and ``reader`` is what answering
calls at query time.
"""
