"""Keras 3 layer vocabulary (channels_last unless `data_format` says otherwise)."""
