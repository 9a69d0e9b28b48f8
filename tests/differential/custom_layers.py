"""Real Keras and torch classes behind the custom layers that the differential case files declare.

A file's `custom_layers:` declaration is shapecalc's word; the reference
builds the class the declaration describes, as its author's code would, and
lets the framework say what shapes and weights it really has. LayerScale and
CustomScaleLayer are Keras's own (keras.applications' ConvNeXt and
InceptionResNetV2); PoolProject is written here in each framework's ops, so
its shape arithmetic is the framework's, not a copy of the declared rule.
"""

from __future__ import annotations

from typing import Any


def keras_classes() -> dict[str, Any]:
    import keras
    from keras import ops
    from keras.src.applications.convnext import LayerScale
    from keras.src.applications.inception_resnet_v2 import CustomScaleLayer

    class PoolProject(keras.layers.Layer):
        """Average-pools by `factor`, projects to `filters` and concatenates a rescaled copy: 2 * filters."""

        def __init__(self, filters: int, factor: int = 2, **kwargs: Any):
            super().__init__(**kwargs)
            self.filters, self.factor = filters, factor

        def build(self, input_shape: Any) -> None:
            self.kernel = self.add_weight(shape=(input_shape[-1], self.filters))
            self.bias = self.add_weight(shape=(self.filters,), initializer="zeros")
            self.scale = self.add_weight(shape=(self.filters,), initializer="ones", trainable=False)

        def call(self, x: Any) -> Any:
            pooled = ops.average_pool(x, self.factor, self.factor, padding="valid")
            projected = ops.matmul(pooled, self.kernel) + self.bias
            return ops.concatenate([projected, projected * self.scale], axis=-1)

    return {"LayerScale": LayerScale, "CustomScaleLayer": CustomScaleLayer, "PoolProject": PoolProject}


def torch_classes() -> dict[str, Any]:
    import torch
    from torch import nn

    class LayerScale(nn.Module):
        """torchvision ConvNeXt's layer scale as a module: x * gamma, gamma of shape (dim, 1, 1)."""

        def __init__(self, dim: int, init_values: float = 1e-6):
            super().__init__()
            self.gamma = nn.Parameter(torch.ones(dim, 1, 1) * init_values)

        def forward(self, x: Any) -> Any:
            return x * self.gamma

    class PoolProject(nn.Module):
        """Channels-first PoolProject: pool by `factor`, 1x1 projection, concatenated with a rescaled copy."""

        def __init__(self, in_channels: int, filters: int, factor: int = 2):
            super().__init__()
            self.factor = factor
            self.weight = nn.Parameter(torch.zeros(filters, in_channels))
            self.bias = nn.Parameter(torch.zeros(filters))
            self.scale = nn.Parameter(torch.ones(filters, 1, 1), requires_grad=False)

        def forward(self, x: Any) -> Any:
            pooled = nn.functional.avg_pool2d(x, self.factor)
            projected = torch.einsum("nchw,fc->nfhw", pooled, self.weight) + self.bias[:, None, None]
            return torch.cat([projected, projected * self.scale], dim=1)

    return {"LayerScale": LayerScale, "PoolProject": PoolProject}
