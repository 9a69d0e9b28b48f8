"""fvcore's FlopCountAnalysis on one real torch module call, plus shapecalc's three stated extensions.

fvcore counts nothing for `padding='same'` convolutions (aten::_convolution_mode),
scaled_dot_product_attention and the recurrent ops on current PyTorch. The
handles below count them from the traced tensors' own shapes (weights
included), by worked arithmetic independent of shapecalc's rules:

- a convolution: output elements * prod(weight.shape[1:]);
- attention: prod(query.shape[:-1]) * S * (E + E_v) for key (..., S, E), value (..., S, E_v);
- a recurrent op: steps * batch * the sum of its weight matrices' sizes (biases excluded);
  a cell: batch * the same sum.
"""

from __future__ import annotations

import math
import warnings
from typing import Any


def _shape(value: Any) -> list[int]:
    return value.type().sizes()


def _conv_mode(inputs: list[Any], outputs: list[Any]) -> int:
    weight = _shape(inputs[1])
    return math.prod(_shape(outputs[0])) * math.prod(weight[1:])


def _attention(inputs: list[Any], outputs: list[Any]) -> int:
    query, key, value = (_shape(v) for v in inputs[:3])
    return math.prod(query[:-1]) * key[-2] * (key[-1] + value[-1])


def _matrices(values: list[Any]) -> int:
    return sum(math.prod(shape) for shape in (_shape(v) for v in values) if len(shape) == 2)


def _recurrent(inputs: list[Any], outputs: list[Any]) -> int:
    sequence = _shape(inputs[0])
    params = list(inputs[2].node().inputs())
    batch_first = inputs[-1].toIValue()
    steps_and_batch = math.prod(sequence[:-1])  # (L, N) or (N, L), or (L,) unbatched
    del batch_first
    return steps_and_batch * _matrices(params)


def _cell(inputs: list[Any], outputs: list[Any]) -> int:
    batch = math.prod(_shape(inputs[0])[:-1])
    return batch * _matrices(inputs[2:4])


EXTENSIONS = {
    "aten::_convolution_mode": _conv_mode,
    "aten::scaled_dot_product_attention": _attention,
    "aten::lstm": _recurrent,
    "aten::gru": _recurrent,
    "aten::rnn_tanh": _recurrent,
    "aten::rnn_relu": _recurrent,
    "aten::lstm_cell": _cell,
    "aten::gru_cell": _cell,
    "aten::rnn_tanh_cell": _cell,
    "aten::rnn_relu_cell": _cell,
}


def fvcore_macs(module: Any, inputs: tuple[Any, ...], extensions: bool = True) -> int:
    """fvcore's total for `module(*inputs)`, in evaluation mode, with or without the extensions."""
    import torch
    from fvcore.nn import FlopCountAnalysis

    module.eval()
    analysis = FlopCountAnalysis(module, inputs)
    if extensions:
        analysis.set_op_handle(**EXTENSIONS)
    analysis.unsupported_ops_warnings(False).uncalled_modules_warnings(False).tracer_warnings("none")
    with warnings.catch_warnings(), torch.enable_grad():  # with grad, Transformer layers take the plain
        warnings.simplefilter("ignore")  # path of linear and attention ops, not one fused fast-path op
        return int(analysis.total())
