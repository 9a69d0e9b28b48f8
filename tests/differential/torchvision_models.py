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


def efficientnet_b0(torch: Any) -> Any:
    nn = torch.nn

    def conv_norm_act(cin: int, cout: int, kernel: int = 1, stride: int = 1, groups: int = 1,
                      act: bool = True) -> Any:
        layers = [nn.Conv2d(cin, cout, kernel, stride, (kernel - 1) // 2, groups=groups, bias=False),
                  nn.BatchNorm2d(cout)]
        return nn.Sequential(*layers, nn.SiLU(inplace=True)) if act else nn.Sequential(*layers)

    class SqueezeExcitation(nn.Module):
        def __init__(self, channels: int, squeeze: int):
            super().__init__()
            self.avgpool = nn.AdaptiveAvgPool2d(1)
            self.fc1 = nn.Conv2d(channels, squeeze, 1)
            self.fc2 = nn.Conv2d(squeeze, channels, 1)
            self.activation = nn.SiLU(inplace=True)
            self.scale_activation = nn.Sigmoid()

        def forward(self, x: Any) -> Any:
            return self.scale_activation(self.fc2(self.activation(self.fc1(self.avgpool(x))))) * x

    class StochasticDepth(nn.Module):
        """The identity at inference, as torchvision.ops.StochasticDepth is."""

        def forward(self, x: Any) -> Any:
            return x

    class MBConv(nn.Module):
        def __init__(self, expand: int, kernel: int, stride: int, cin: int, cout: int):
            super().__init__()
            self.residual = stride == 1 and cin == cout
            expanded = cin * expand
            layers = [conv_norm_act(cin, expanded)] if expanded != cin else []
            layers += [conv_norm_act(expanded, expanded, kernel, stride, groups=expanded),
                       SqueezeExcitation(expanded, max(1, cin // 4)),
                       conv_norm_act(expanded, cout, act=False)]
            self.block = nn.Sequential(*layers)
            self.stochastic_depth = StochasticDepth()

        def forward(self, x: Any) -> Any:
            result = self.block(x)
            return self.stochastic_depth(result) + x if self.residual else result

    class EfficientNet(nn.Module):
        stages = [(1, 3, 1, 32, 16, 1), (6, 3, 2, 16, 24, 2), (6, 5, 2, 24, 40, 2), (6, 3, 2, 40, 80, 3),
                  (6, 5, 1, 80, 112, 3), (6, 5, 2, 112, 192, 4), (6, 3, 1, 192, 320, 1)]

        def __init__(self) -> None:
            super().__init__()
            features = [conv_norm_act(3, 32, 3, 2)]
            for expand, kernel, stride, cin, cout, blocks in self.stages:
                features.append(nn.Sequential(*(
                    MBConv(expand, kernel, stride if b == 0 else 1, cin if b == 0 else cout, cout)
                    for b in range(blocks))))
            features.append(conv_norm_act(320, 1280))
            self.features = nn.Sequential(*features)
            self.avgpool = nn.AdaptiveAvgPool2d(1)
            self.classifier = nn.Sequential(nn.Dropout(0.2, inplace=True), nn.Linear(1280, 1000))

        def forward(self, x: Any) -> Any:
            return self.classifier(torch.flatten(self.avgpool(self.features(x)), 1))

    return EfficientNet()
