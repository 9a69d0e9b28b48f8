"""A layer count written as 10**9 costs no more time than 1: counts are closed forms, never loops.

`num_layers: 1000000000` on an LSTM ran past 10 s (params summed layer by
layer), and so did a TransformerEncoder's shape walk. Each file here must be
summarized in a few seconds, with the totals from worked arithmetic.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

BILLION = 10**9

# LSTM(10, 20): 4*20 = 80 gate rows. First layer 80*10 + 80*20 + 2*80 = 2560;
# each later layer reads 20 features: 80*20 + 80*20 + 160 = 3360.
LSTM = ("framework: pytorch\ninput: [5, 10]\nlayers:\n"
        f"  - LSTM: {{input_size: 10, hidden_size: 20, num_layers: {BILLION}}}\n",
        2560 + (BILLION - 1) * 3360)
# Bidirectional GRU(4, 6) with proj-free layers: 3*6 = 18 rows; first 2*(18*4 + 18*6 + 36) = 432;
# later layers read 2*6 = 12 features: 2*(18*12 + 18*6 + 36) = 720.
GRU = ("framework: pytorch\ninput: [5, 4]\nlayers:\n"
       f"  - GRU: {{input_size: 4, hidden_size: 6, num_layers: {BILLION}, bidirectional: true}}\n",
       432 + (BILLION - 1) * 720)
# TransformerEncoderLayer(d_model=8, nhead=2, dim_feedforward=16): attention 4*8*8 + 4*8 = 288,
# feed-forward 8*16 + 16 + 16*8 + 8 = 280, two LayerNorms 2*16 = 32: 600 per copy.
ENCODER = ("framework: pytorch\ninput: [5, 8]\nlayers:\n  - TransformerEncoder:\n"
           "      encoder_layer: {TransformerEncoderLayer: {d_model: 8, nhead: 2, dim_feedforward: 16}}\n"
           f"      num_layers: {BILLION}\n", BILLION * 600)


@pytest.mark.parametrize("text, total", [LSTM, GRU, ENCODER], ids=["lstm", "bidirectional-gru", "encoder"])
def test_a_billion_layers_are_counted_at_once(tmp_path, text, total):
    path = tmp_path / "huge.yaml"
    path.write_text(text)
    done = subprocess.run([sys.executable, "-m", "shapecalc", "summarize", "--format", "json", str(path)],
                          capture_output=True, text=True, timeout=20)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["total_params"] == total
