"""The trained artefact: the models of model.py trained from the texts in data/, saved under
VAR_DIR/triage/ with a version that names exactly what made it.

The version is a hash of the training files, the word lists and the code that trains, with the
scikit-learn version; a change to any of them makes a new version, trained on first use (about
half a minute on two cores) or ahead of time by `qorgau triage train`. Every process loads the
same file, so every host suggests the same thing for the same text; a suggestion stores the
version that made it. Files are written to a temporary name and renamed, so two processes that
train at once never leave a half-written file. The files are pickles (joblib): only files this
code wrote under VAR_DIR are ever loaded.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from functools import cache
from pathlib import Path

import joblib
import sklearn
from django.conf import settings

from qorgau.triage.dataset import DATA_DIR, load, training_files
from qorgau.triage.model import TriageModel

_MADE_BY = ("model.py", "names.py", "text.py", "risk.py", "dataset.py")
_WORD_LISTS = ("given_names.txt", "risk_terms.txt")


def model_version() -> str:
    """Twelve hex digits naming the training data, the code and scikit-learn's version."""
    digest = hashlib.sha256(sklearn.__version__.encode())
    here = Path(__file__).parent
    for path in [
        *training_files(),
        *(DATA_DIR / n for n in _WORD_LISTS),
        *(here / n for n in _MADE_BY),
    ]:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def artefact_path(version: str) -> Path:
    return Path(settings.VAR_DIR) / "triage" / f"model-{version}.joblib"


def train() -> tuple[str, Path]:
    """Train on every training file and save; returns the version and the file."""
    version = model_version()
    examples = [example for path in training_files() for example in load(path)]
    model = TriageModel().fit(examples)
    path = artefact_path(version)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".part")
    os.close(handle)
    joblib.dump(model, temporary, compress=3)
    os.replace(temporary, path)
    return version, path


@cache
def _load(version: str) -> TriageModel:
    path = artefact_path(version)
    if not path.exists():
        train()
    model: TriageModel = joblib.load(path)
    return model


def current_model() -> tuple[str, TriageModel]:
    """The model of the current version and its version, trained first if no file has it."""
    version = _current_version()
    return version, _load(version)


@cache
def _current_version() -> str:
    return model_version()
