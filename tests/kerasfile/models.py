"""Small Keras 3 models that exercise what keras.applications does not: shared layers, several inputs and
outputs, frozen layers, several outputs of one layer, wrappers, attention, Sequential models saved with and
without an Input. Each function builds its model in the current Keras session and returns it."""

from __future__ import annotations

from typing import Any


def shared_encoder(keras: Any) -> Any:
    """One Dense called on two inputs (a shared layer: one row, two calls in "Connected to")."""
    left, right = keras.Input((16,), name="left"), keras.Input((16,), name="right")
    encoder = keras.layers.Dense(8, name="encoder")
    merged = keras.layers.Concatenate()([encoder(left), encoder(right)])
    return keras.Model([left, right], keras.layers.Dense(1)(merged), name="siamese")


def shared_twice_deep(keras: Any) -> Any:
    """A shared conv called three times, its later calls feeding later layers (call numbers 1 and 2)."""
    image = keras.Input((16, 16, 3), batch_size=4)
    conv = keras.layers.Conv2D(3, 3, padding="same", name="shared")
    x = conv(image)
    y = conv(x)
    z = conv(keras.layers.Add()([x, y]))
    return keras.Model(image, keras.layers.GlobalAveragePooling2D()(z))


def two_outputs_and_frozen(keras: Any) -> Any:
    """Two outputs, a frozen Dense and a frozen BatchNormalization."""
    inputs = keras.Input((10,))
    hidden = keras.layers.Dense(32, name="hidden", trainable=False)(inputs)
    normed = keras.layers.BatchNormalization(trainable=False)(hidden)
    return keras.Model(inputs, [keras.layers.Dense(3, name="a")(normed), keras.layers.Dense(2, name="b")(hidden)])


def lstm_states(keras: Any) -> Any:
    """An LSTM's three outputs used separately (references name[t])."""
    sequence = keras.Input((12, 5))
    output, state_h, state_c = keras.layers.LSTM(7, return_state=True, name="lstm")(sequence)
    merged = keras.layers.Concatenate()([output, state_h, state_c])
    return keras.Model(sequence, keras.layers.Dense(4)(merged))


def encoder_decoder_states(keras: Any) -> Any:
    """A decoder LSTM started from an encoder's states (initial_state in the call)."""
    source, target = keras.Input((None, 6)), keras.Input((None, 4))
    _, h, c = keras.layers.LSTM(8, return_state=True)(source)
    decoded = keras.layers.LSTM(8, return_sequences=True)(target, initial_state=[h, c])
    return keras.Model([source, target], keras.layers.Dense(4)(decoded))


def attention(keras: Any) -> Any:
    """MultiHeadAttention called as mha(query, value) and mha(query, value, key)."""
    query, value = keras.Input((6, 16)), keras.Input((9, 16))
    mha = keras.layers.MultiHeadAttention(num_heads=2, key_dim=4, name="mha")
    attended = mha(query, value)
    cross = keras.layers.MultiHeadAttention(num_heads=2, key_dim=4, name="cross")(attended, value, value)
    return keras.Model([query, value], keras.layers.LayerNormalization()(cross))


def wrappers(keras: Any) -> Any:
    """Bidirectional and TimeDistributed, their inner layers nested in the config."""
    return keras.Sequential([
        keras.Input((10, 8)),
        keras.layers.Bidirectional(keras.layers.GRU(6, return_sequences=True)),
        keras.layers.TimeDistributed(keras.layers.Dense(3)),
        keras.layers.Flatten(),
    ], name="wrapped")


def stacked_cells(keras: Any) -> Any:
    """RNN over a list of cells (saved as StackedRNNCells)."""
    return keras.Sequential([keras.Input((5, 3)),
                             keras.layers.RNN([keras.layers.LSTMCell(4), keras.layers.GRUCell(2)])])


def sequential_built_without_input(keras: Any) -> Any:
    """A Sequential model given its input shape by build(): no InputLayer in the config."""
    model = keras.Sequential([keras.layers.Conv2D(4, 3), keras.layers.MaxPooling2D(),
                              keras.layers.Flatten(), keras.layers.Dense(2, kernel_regularizer="l2")])
    model.build((None, 28, 28, 1))
    return model


def sequential_frozen(keras: Any) -> Any:
    """A whole Sequential model frozen (model.trainable = False), with an Embedding and a batch size."""
    model = keras.Sequential([keras.Input((20,), batch_size=8, dtype="int32"),
                              keras.layers.Embedding(100, 16), keras.layers.GlobalAveragePooling1D(),
                              keras.layers.Dropout(0.5, seed=3), keras.layers.Dense(1, activation="sigmoid")],
                             name="frozen")
    model.trainable = False
    return model


def initializers_and_mixed(keras: Any) -> Any:
    """Serialized initializers, regularizers and constraints, and a mixed-precision dtype policy."""
    inputs = keras.Input((32, 32, 3))
    x = keras.layers.Conv2D(8, 3, kernel_initializer=keras.initializers.VarianceScaling(2.0, seed=1),
                            kernel_regularizer=keras.regularizers.L1L2(1e-4, 1e-5),
                            kernel_constraint=keras.constraints.MaxNorm(3), dtype="mixed_float16")(inputs)
    x = keras.layers.SeparableConv2D(8, 3, strides=2, padding="same")(x)
    return keras.Model(inputs, keras.layers.GlobalMaxPooling2D()(x))


def names_beyond_the_basic_plane(keras: Any) -> Any:
    """Names with characters beyond U+FFFF, which json.dumps writes as surrogate-pair escapes ("\\ud83d\\ude00"),
    and one within it (written as one escape), feeding layers by those names."""
    image = keras.Input((8, 8, 3), name="image_\U0001F600")
    x = keras.layers.Conv2D(4, 3, name="conv_\U0001F680\U0001F680")(image)
    y = keras.layers.Conv2D(4, 3, name="caf\u00e9")(image)
    merged = keras.layers.Add(name="sum_\U0001D11E")([x, y])
    return keras.Model(image, keras.layers.Flatten()(merged), name="model_\U0001F389")


MODELS = [shared_encoder, shared_twice_deep, two_outputs_and_frozen, lstm_states, encoder_decoder_states,
          attention, wrappers, stacked_cells, sequential_built_without_input, sequential_frozen,
          initializers_and_mixed, names_beyond_the_basic_plane]
