"""Write a synthetic corpus in the bundled corpus's format, deterministically.

    python bench/generate.py OUT_DIR --articles 1000 [--per-file 50] [--seed 1]

Articles average 40 paragraphs of about 90 words, drawn from a Zipfian vocabulary that
starts from the bundled corpus's own words, so that rare and frequent words, stemming and
phrases behave as on real text. Some articles have numbered sections, a bio, a correction,
photo credits; every one ends with a footer. The same arguments always give the same bytes.
"""

from __future__ import annotations

import argparse
import random
import re
from collections import Counter
from collections.abc import Iterator
from itertools import accumulate
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus" / "new-statesman-labour.txt"
VOCABULARY_SIZE = 40_000
ZIPF_EXPONENT = 1.07
MONTHS = [
    "January", "February", "March", "April", "May", "June", "July",
    "August", "September", "October", "November", "December",
]  # fmt: skip
SYLLABLES = [
    "an", "ber", "cal", "dor", "el", "fen", "gra", "hol", "is", "jun", "ker", "lan",
    "mor", "nel", "or", "pas", "quin", "ros", "sten", "tor", "ul", "vin", "wes", "yor",
]  # fmt: skip


def vocabulary(rng: random.Random) -> list[str]:
    """Words by falling frequency: the bundled corpus's, then invented ones."""
    text = CORPUS.read_text(encoding="utf-8").lower()
    counts = Counter(re.findall(r"[a-z][a-z'’-]*[a-z]|[a-z]", text))
    words = [word for word, _ in counts.most_common()]
    seen = set(words)
    while len(words) < VOCABULARY_SIZE:
        word = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4)))
        if word not in seen:
            seen.add(word)
            words.append(word)
    return words


class Writer:
    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.words = vocabulary(self.rng)
        self.weights = list(
            accumulate(1 / rank**ZIPF_EXPONENT for rank in range(1, len(self.words) + 1))
        )
        self.names = [self._name() for _ in range(80)]

    def _name(self) -> str:
        def part() -> str:
            return "".join(self.rng.choice(SYLLABLES) for _ in range(2)).capitalize()

        return f"{part()} {part()}"

    def _words(self, count: int) -> list[str]:
        return self.rng.choices(self.words, cum_weights=self.weights, k=count)

    def sentence(self, low: int = 8, high: int = 28) -> str:
        words = self._words(self.rng.randint(low, high))
        if self.rng.random() < 0.3:
            words.insert(self.rng.randrange(len(words)), self.rng.choice(self.names))
        if self.rng.random() < 0.15:
            start = self.rng.randrange(len(words))
            words[start] = "“" + words[start]
            words[-1] = words[-1] + ",”"
        text = " ".join(words)
        return text[0].upper() + text[1:] + self.rng.choice(".........?!")

    def paragraph(self) -> str:
        target = max(15, int(self.rng.lognormvariate(4.4, 0.45)))  # about 90 words
        sentences, length = [], 0
        while length < target:
            sentences.append(self.sentence())
            length += len(sentences[-1].split())
        return " ".join(sentences)

    def title(self) -> str:
        return self.sentence(4, 10).rstrip(".?!")

    def article(self, number: int) -> Iterator[str]:
        rng = self.rng
        if rng.random() < 0.5:
            yield f"{self._name().upper()}/{rng.choice(['REUTERS', 'PA', 'AFP'])}/GETTY IMAGES"
            yield "Show Hide image"
            yield ""
        yield f"{self.title()} ({number})"
        yield ""
        yield self.sentence(20, 35)
        yield ""
        paragraphs = min(80, max(10, int(rng.gauss(40, 8))))
        sections = rng.randint(3, 6) if rng.random() < 0.4 else 0
        breaks = set(rng.sample(range(1, paragraphs), sections - 1)) if sections else set()
        section = 0
        for index in range(paragraphs):
            if sections and (index == 0 or index in breaks):
                section += 1
                yield f"{section}. {self.title()[:40].rstrip()}"
                yield ""
            yield self.paragraph()
            yield ""
        if rng.random() < 0.03:
            yield "Correction: " + self.sentence()
            yield ""
        if rng.random() < 0.7:
            yield f"{rng.choice(self.names)} is a political correspondent for the magazine."
            yield ""
        day, month, year = rng.randint(1, 28), rng.choice(MONTHS), rng.randint(2000, 2024)
        yield (
            f"This article first appeared in the {day} {month} {year} issue of the "
            f"New Statesman, {self.title()}"
        )
        yield ""


def write_corpus(out: Path, articles: int, per_file: int = 50, seed: int = 1) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    writer = Writer(seed)
    paths = []
    for first in range(0, articles, per_file):
        path = out / f"issue-{first // per_file + 1:04d}.txt"
        with open(path, "w", encoding="utf-8") as stream:
            for number in range(first, min(first + per_file, articles)):
                for line in writer.article(number + 1):
                    stream.write(line + "\n")
        paths.append(path)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--per-file", type=int, default=50)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    paths = write_corpus(args.out, args.articles, args.per_file, args.seed)
    print(f"Wrote {args.articles} articles in {len(paths)} files to {args.out}")


if __name__ == "__main__":
    main()
