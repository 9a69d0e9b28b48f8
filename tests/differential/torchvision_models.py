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


def squeeze_excitation(torch: Any, activation: Any, scale_activation: Any) -> Any:
    """torchvision.ops.SqueezeExcitation: scale = scale_activation(fc2(activation(fc1(pool(x))))); scale * x."""
    nn = torch.nn

    class SqueezeExcitation(nn.Module):
        def __init__(self, channels: int, squeeze: int):
            super().__init__()
            self.avgpool = nn.AdaptiveAvgPool2d(1)
            self.fc1 = nn.Conv2d(channels, squeeze, 1)
            self.fc2 = nn.Conv2d(squeeze, channels, 1)
            self.activation = activation()
            self.scale_activation = scale_activation()

        def forward(self, x: Any) -> Any:
            return self.scale_activation(self.fc2(self.activation(self.fc1(self.avgpool(x))))) * x

    return SqueezeExcitation


def efficientnet_b0(torch: Any) -> Any:
    nn = torch.nn

    def conv_norm_act(cin: int, cout: int, kernel: int = 1, stride: int = 1, groups: int = 1,
                      act: bool = True) -> Any:
        layers = [nn.Conv2d(cin, cout, kernel, stride, (kernel - 1) // 2, groups=groups, bias=False),
                  nn.BatchNorm2d(cout)]
        return nn.Sequential(*layers, nn.SiLU(inplace=True)) if act else nn.Sequential(*layers)

    SqueezeExcitation = squeeze_excitation(torch, nn.SiLU, nn.Sigmoid)

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


def convnext_stage(torch: Any, dim: int = 96, blocks: int = 2) -> Any:
    """Two of ConvNeXt-T's CNBlocks: depthwise 7x7, channels-last LayerNorm, 4x MLP, layer scale * x, residual."""
    nn = torch.nn

    class Permute(nn.Module):
        def __init__(self, dims: list[int]):
            super().__init__()
            self.dims = dims

        def forward(self, x: Any) -> Any:
            return x.permute(*self.dims)

    class CNBlock(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.block = nn.Sequential(nn.Conv2d(dim, dim, 7, padding=3, groups=dim), Permute([0, 2, 3, 1]),
                                       nn.LayerNorm(dim, eps=1e-6), nn.Linear(dim, 4 * dim), nn.GELU(),
                                       nn.Linear(4 * dim, dim), Permute([0, 3, 1, 2]))
            self.layer_scale = nn.Parameter(torch.ones(dim, 1, 1) * 1e-6)
            self.stochastic_depth = nn.Identity()

        def forward(self, x: Any) -> Any:
            return self.stochastic_depth(self.layer_scale * self.block(x)) + x

    class Stage(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.stage = nn.Sequential(*(CNBlock() for _ in range(blocks)))

        def forward(self, x: Any) -> Any:
            return self.stage(x)

    return Stage()


def mobilenet_v3_blocks(torch: Any) -> Any:
    """Two MobileNetV3-Small InvertedResiduals: (16, k3, exp 16, SE, ReLU, stride 2) and (40, k5, exp 240, SE, Hardswish)."""
    nn = torch.nn

    def cna(cin: int, cout: int, kernel: int = 1, stride: int = 1, groups: int = 1, act: Any = None) -> Any:
        layers = [nn.Conv2d(cin, cout, kernel, stride, (kernel - 1) // 2, groups=groups, bias=False),
                  nn.BatchNorm2d(cout, eps=0.001, momentum=0.01)]
        return nn.Sequential(*layers, act()) if act else nn.Sequential(*layers)

    SqueezeExcitation = squeeze_excitation(torch, nn.ReLU, nn.Hardsigmoid)

    class InvertedResidual(nn.Module):
        def __init__(self, cin: int, kernel: int, expanded: int, cout: int, squeeze: int, act: Any, stride: int):
            super().__init__()
            self.residual = stride == 1 and cin == cout
            layers = [cna(cin, expanded, act=act)] if expanded != cin else []
            layers += [cna(expanded, expanded, kernel, stride, expanded, act), SqueezeExcitation(expanded, squeeze),
                       cna(expanded, cout)]
            self.block = nn.Sequential(*layers)

        def forward(self, x: Any) -> Any:
            result = self.block(x)
            return result + x if self.residual else result

    class Blocks(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.first = InvertedResidual(16, 3, 16, 16, 8, nn.ReLU, 2)
            self.widen = nn.Conv2d(16, 40, 1)
            self.second = InvertedResidual(40, 5, 240, 40, 64, nn.Hardswish, 1)

        def forward(self, x: Any) -> Any:
            return self.second(self.widen(self.first(x)))

    return Blocks()


def shufflenet_v2_units(torch: Any) -> Any:
    """ShuffleNetV2 1x's InvertedResidual with stride 2 (two branches) then stride 1 (channel split in halves)."""
    nn = torch.nn

    def pointwise(cin: int, cout: int) -> list[Any]:
        return [nn.Conv2d(cin, cout, 1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True)]

    def depthwise(channels: int, stride: int) -> list[Any]:
        return [nn.Conv2d(channels, channels, 3, stride, 1, groups=channels, bias=False), nn.BatchNorm2d(channels)]

    class InvertedResidual(nn.Module):
        def __init__(self, cin: int, cout: int, stride: int):
            super().__init__()
            self.stride = stride
            half = cout // 2
            if stride > 1:
                self.branch1 = nn.Sequential(*depthwise(cin, stride), *pointwise(cin, half))
            self.branch2 = nn.Sequential(*pointwise(cin if stride > 1 else half, half), *depthwise(half, stride),
                                         *pointwise(half, half))
            self.shuffle = nn.ChannelShuffle(2)

        def forward(self, x: Any) -> Any:
            if self.stride == 1:
                x1, x2 = x.chunk(2, dim=1)
                out = torch.cat((x1, self.branch2(x2)), dim=1)
            else:
                out = torch.cat((self.branch1(x), self.branch2(x)), dim=1)
            return self.shuffle(out)

    class Units(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.down = InvertedResidual(24, 116, 2)
            self.unit = InvertedResidual(116, 116, 1)

        def forward(self, x: Any) -> Any:
            return self.unit(self.down(x))

    return Units()
