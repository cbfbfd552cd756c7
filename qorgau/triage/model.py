"""The trained triage models (rules 6(h), 6(j), 6(n), 6(o), 10): direction, urgency with its
flags, and route, read from an appeal's text; plus the name tagger (names.py).

Every model is a scikit-learn logistic regression over the same features: character n-grams of
the folded text (typos, endings and mixed kk/ru survive them) and words. Urgency errs toward
recall: a text is urgent when the danger words of data/risk_terms.txt fire (risk.py) *or* the
model's probability passes a threshold set low on the training texts. A suggestion carries its
reasons: the words that weighed most for it, the danger words, and the nearest labelled texts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
from scipy.sparse import hstack, spmatrix
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from qorgau.triage.dataset import Example
from qorgau.triage.names import NameTagger
from qorgau.triage.risk import risk_assess
from qorgau.triage.text import fold

URGENT_THRESHOLD = 0.3  # on the model's probability; the danger words count on their own
SEED = 111


@dataclass(frozen=True)
class Neighbour:
    """A labelled training text close to the one read (an explanation, never personal data:
    the training texts are invented)."""

    id: str
    direction: int
    urgent: bool
    similarity: float


@dataclass(frozen=True)
class Reading:
    """What the models read in one text."""

    direction: int
    direction_confidence: float
    directions: tuple[tuple[int, float], ...]  # the three likeliest, best first
    direction_words: tuple[str, ...]
    urgent: bool
    urgent_probability: float
    flags: tuple[str, ...]
    flag_words: tuple[str, ...]
    route: str
    route_confidence: float
    neighbours: tuple[Neighbour, ...] = field(default=())


STEM = 5  # a word's first letters stand for all its forms (Kazakh and Russian endings)
WORD = re.compile(r"\w\w+")


def stems(text: str) -> list[str]:
    """The folded text's words cut to their first STEM letters."""
    return [word[:STEM] for word in WORD.findall(text)]


class _Features:
    """Character n-grams and word stems of the folded text, weighted by tf-idf."""

    def __init__(self) -> None:
        self.chars = TfidfVectorizer(
            analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2, max_features=60000
        )
        self.words = TfidfVectorizer(analyzer=stems, sublinear_tf=True, min_df=1)

    def fit(self, texts: list[str]) -> spmatrix:
        folded = [fold(t) for t in texts]
        return hstack([self.chars.fit_transform(folded), self.words.fit_transform(folded)]).tocsr()

    def transform(self, texts: list[str]) -> spmatrix:
        folded = [fold(t) for t in texts]
        return hstack([self.chars.transform(folded), self.words.transform(folded)]).tocsr()

    def word_columns(self) -> tuple[int, np.ndarray]:
        """Where the stem features start, and the stem of each column after that."""
        return len(self.chars.vocabulary_), self.words.get_feature_names_out()


def _classifier(c: float = 10.0, balanced: bool = True) -> LogisticRegression:
    return LogisticRegression(
        C=c, max_iter=3000, class_weight="balanced" if balanced else None, random_state=SEED
    )


class TriageModel:
    """All the models of the assistant, trained together from the training texts."""

    def __init__(self) -> None:
        self.features = _Features()
        self.direction = _classifier()
        self.urgent = _classifier(c=5.0)
        self.flag = _classifier(c=5.0)
        self.route = _classifier()
        self.names = NameTagger()
        self.train_ids: list[str] = []
        self.train_labels: list[tuple[int, bool]] = []
        self.train_matrix: spmatrix | None = None

    def fit(self, examples: list[Example]) -> TriageModel:
        matrix = self.features.fit([e.text for e in examples])
        self.direction.fit(matrix, [e.direction for e in examples])
        self.urgent.fit(matrix, [int(e.urgent) for e in examples])
        urgent_rows = [i for i, e in enumerate(examples) if e.urgent]
        self.flag.fit(matrix[urgent_rows], [examples[i].flags[0] for i in urgent_rows])
        self.route.fit(matrix, [e.route for e in examples])
        self.names.fit(examples)
        self.train_ids = [e.id for e in examples]
        self.train_labels = [(e.direction, e.urgent) for e in examples]
        self.train_matrix = matrix
        return self

    def read(self, text: str) -> Reading:
        """The suggestions for one text."""
        return self.read_many([text])[0]

    def read_many(self, texts: list[str]) -> list[Reading]:
        matrix = self.features.transform(texts)
        direction_p = self.direction.predict_proba(matrix)
        urgent_p = self.urgent.predict_proba(matrix)[:, 1]
        flag_p = self.flag.predict_proba(matrix)
        route_p = self.route.predict_proba(matrix)
        return [
            self._reading(texts[i], matrix[i], direction_p[i], urgent_p[i], flag_p[i], route_p[i])
            for i in range(len(texts))
        ]

    def _reading(
        self,
        text: str,
        row: spmatrix,
        direction_p: np.ndarray,
        urgent_p: float,
        flag_p: np.ndarray,
        route_p: np.ndarray,
    ) -> Reading:
        order = np.argsort(direction_p)[::-1]
        best = int(self.direction.classes_[order[0]])
        risk = risk_assess(text)
        urgent = bool(risk.flags) or bool(urgent_p >= URGENT_THRESHOLD)
        flags = risk.flags or ((str(self.flag.classes_[int(np.argmax(flag_p))]),) if urgent else ())
        route_index = int(np.argmax(route_p))
        return Reading(
            direction=best,
            direction_confidence=float(direction_p[order[0]]),
            directions=tuple(
                (int(self.direction.classes_[k]), round(float(direction_p[k]), 3))
                for k in order[:3]
            ),
            direction_words=self._words_for(text, row, order[0]),
            urgent=urgent,
            urgent_probability=float(urgent_p),
            flags=tuple(flags),
            flag_words=tuple(dict.fromkeys(risk.words)),
            route=str(self.route.classes_[route_index]),
            route_confidence=float(route_p[route_index]),
            neighbours=self._neighbours(row),
        )

    def _words_for(
        self, text: str, row: spmatrix, class_index: int, count: int = 4
    ) -> tuple[str, ...]:
        """The words of the text whose stems weighed most for the suggested direction."""
        offset, stem_of = self.features.word_columns()
        coefficients = self.direction.coef_[class_index]
        weighed = sorted(
            (
                (float(value) * float(coefficients[column]), str(stem_of[column - offset]))
                for column, value in zip(row.indices, row.data, strict=True)
                if column >= offset
            ),
            reverse=True,
        )
        best = [stem for weight, stem in weighed[:count] if weight > 0]
        words = WORD.findall(text)
        return tuple(next(w for w in words if fold(w)[:STEM] == stem) for stem in best)

    def _neighbours(self, row: spmatrix, count: int = 3) -> tuple[Neighbour, ...]:
        if self.train_matrix is None:
            return ()
        similarity = (self.train_matrix @ row.T).toarray().ravel() / 2  # two unit-length parts
        best = np.argsort(similarity)[::-1][:count]
        return tuple(
            Neighbour(
                self.train_ids[i],
                self.train_labels[i][0],
                self.train_labels[i][1],
                round(float(similarity[i]), 3),
            )
            for i in best
        )
