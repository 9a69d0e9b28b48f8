"""keras.applications models saved by Keras 3 (`to_json()` and `.keras`) read by shapecalc, against Keras's summary.

Each model is built with `weights=None` (no download) in a fresh session; the
file Keras writes is read by `shapecalc`'s pipeline, and every summary row
(name, class, output shape, params split, "Connected to") and the totals
must equal what Keras reports for the model it built. The default run covers
a set of models that between them use every class keras.applications writes;
SHAPECALC_ALL_APPLICATIONS=1 runs every model (several minutes).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

pytest.importorskip("torch")
keras = pytest.importorskip("keras")

from shapecalc.commands.pipeline import analyze_path  # noqa: E402
from tests.kerasfile.keras_rows import our_rows, summary_rows  # noqa: E402

QUICK = ["ResNet50", "ResNet50V2", "MobileNet", "MobileNetV2", "DenseNet121", "InceptionV3", "Xception",
         "EfficientNetB0", "EfficientNetV2B0", "VGG16", "InceptionResNetV2"]  # IRv2: 4 s to build, 782 rows
ALL = sorted(name for name in dir(keras.applications) if name[0].isupper() and name != "NASNetMobile")  # not on torch
# Models whose classes are not in shapecalc's vocabulary yet: read up to them, with SC002 naming each.
NOT_YET: dict[str, str] = {
}
# Models whose archives are read too: those writing classes from outside keras.layers, whose module
# the archive names (keras.src.applications.inception_resnet_v2.CustomScaleLayer).
ARCHIVED = ["InceptionResNetV2"]
MODELS = ALL if os.environ.get("SHAPECALC_ALL_APPLICATIONS") else QUICK


def built(name: str):
    if name in _KEPT:
        return _KEPT[name]
    keras.utils.clear_session()
    model = getattr(keras.applications, name)(weights=None)
    if name in ARCHIVED:  # read as JSON and as an archive: built once (InceptionResNetV2 takes 4 s)
        _KEPT[name] = model
    return model


_KEPT: dict[str, object] = {}


@pytest.mark.parametrize("name", MODELS)
def test_to_json_reads_as_keras_summarizes(name: str, tmp_path: Path) -> None:
    model = built(name)
    path = tmp_path / f"{name}.json"
    path.write_text(model.to_json())
    assert_reads_as_keras_summarizes(model, name, path)


@pytest.mark.parametrize("name", ARCHIVED)
def test_keras_archive_reads_as_keras_summarizes(name: str, tmp_path: Path) -> None:
    """The archive holds the config.json and metadata.json `model.save` writes, made by the same Keras
    serializer; the weights (226 MB for InceptionResNetV2, never read) are left out to spare CI the write."""
    import zipfile

    from keras.src.saving.saving_lib import _serialize_model_as_json

    model = built(name)
    config_json, metadata_json = _serialize_model_as_json(model)
    path = tmp_path / f"{name}.keras"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("metadata.json", metadata_json)
        archive.writestr("config.json", config_json)
    assert_reads_as_keras_summarizes(model, name, path)


def assert_reads_as_keras_summarizes(model, name: str, path: Path) -> None:
    outcome = analyze_path(str(path))
    if name in NOT_YET:
        assert outcome.exit_code() == 2
        assert any(d.code == "SC002" and NOT_YET[name] in d.message for d in outcome.diagnostics)
        return
    assert outcome.analysis is not None, [d.message for d in outcome.diagnostics]
    assert [d for d in outcome.diagnostics if d.severity.value == "error"] == []
    ours, theirs = our_rows(outcome.analysis), summary_rows(model)
    assert ours[1:] == theirs[1:]  # "Connected to" shown or not, and the totals
    for mine, keras_row in zip(ours[0], theirs[0], strict=True):
        assert mine == keras_row
    assert outcome.analysis.model == model.name
