"""torchvision's ViT-B/16 and EfficientNet-B0 written with torch.nn, module names as torchvision names them.

torchvision cannot be installed beside our torch pin, so the differential
tests build these from the papers and torchvision's structure (read, not
copied): the same modules in the same places, so parameter counts and
hooked output shapes are the real models'. Initialisation is left at torch's
defaults: only shapes and counts are compared.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any


def vit_b_16(torch: Any) -> Any:
    nn = torch.nn

    class EncoderBlock(nn.Module):
        def __init__(self, width: int, heads: int, hidden: int):
            super().__init__()
            self.ln_1 = nn.LayerNorm(width, eps=1e-6)
            self.self_attention = nn.MultiheadAttention(width, heads, batch_first=True)
            self.dropout = nn.Dropout(0.0)
            self.ln_2 = nn.LayerNorm(width, eps=1e-6)
            self.mlp = nn.Sequential(nn.Linear(width, hidden), nn.GELU(), nn.Dropout(0.0),
                                     nn.Linear(hidden, width), nn.Dropout(0.0))

        def forward(self, tokens: Any) -> Any:
            normed = self.ln_1(tokens)
            attended, _ = self.self_attention(normed, normed, normed, need_weights=False)
            tokens = self.dropout(attended) + tokens
            return tokens + self.mlp(self.ln_2(tokens))

    class Encoder(nn.Module):
        def __init__(self, length: int, width: int, blocks: int):
            super().__init__()
            self.pos_embedding = nn.Parameter(torch.zeros(1, length, width))
            self.dropout = nn.Dropout(0.0)
            self.layers = nn.Sequential(OrderedDict(
                (f"encoder_layer_{i}", EncoderBlock(width, 12, 3072)) for i in range(blocks)))
            self.ln = nn.LayerNorm(width, eps=1e-6)

        def forward(self, tokens: Any) -> Any:
            return self.ln(self.layers(self.dropout(tokens + self.pos_embedding)))

    class VisionTransformer(nn.Module):
        def __init__(self, width: int = 768, patch: int = 16, image: int = 224, classes: int = 1000):
            super().__init__()
            self.width = width
            self.conv_proj = nn.Conv2d(3, width, kernel_size=patch, stride=patch)
            self.class_token = nn.Parameter(torch.zeros(1, 1, width))
            self.encoder = Encoder((image // patch) ** 2 + 1, width, 12)
            self.heads = nn.Sequential(OrderedDict(head=nn.Linear(width, classes)))

        def forward(self, images: Any) -> Any:
            patches = self.conv_proj(images)
            n = patches.shape[0]
            tokens = patches.reshape(n, self.width, -1).permute(0, 2, 1)
            tokens = torch.cat([self.class_token.expand(n, -1, -1), tokens], dim=1)
            return self.heads(self.encoder(tokens)[:, 0])

    return VisionTransformer()
