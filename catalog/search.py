"""Catalogue search: what it runs on, per database and per language, and the
conditions and orders the listing asks of it.

PostgreSQL keeps a stored, GIN-indexed tsvector of each product per language:
`search_document` is built from the French texts with `french_unaccent`
(French stemming without accents), `search_document_en` from the English
texts, falling back to the French where no English is written yet, with
`english_unaccent`. The name weighs A, the summary and description B. SQLite
has no full-text configuration of ours: the columns stay NULL there and search
folds text at query time instead (`search_condition`, with `normalise` as the
`millet_fold` function catalog.apps registers on each SQLite connection).
"""

import unicodedata

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField
from django.db import connection
from django.db.models import Expression, F, Func, Q
from django.db.models.functions import Lower
from django.utils.translation import get_language

from catalog.i18n import localized

# The configuration each language's document is built and queried with.
CONFIGURATIONS = {"fr": "french_unaccent", "en": "english_unaccent"}
# The column holding each language's document.
DOCUMENT_FIELDS = {"fr": "search_document", "en": "search_document_en"}


def _text(field, language):
    """SQL for one text column in `language`, French when that one is empty.

    `language` None is the untranslated column the first migrations knew.
    """
    if language is None:
        return f"coalesce({field}, '')"
    if language == "fr":
        return f"coalesce({field}_fr, '')"
    return f"coalesce(nullif({field}_{language}, ''), {field}_fr, '')"


def document_sql(language):
    configuration = f"'public.{CONFIGURATIONS[language or 'fr']}'::regconfig"
    name = _text("name", language)
    body = f"{_text('summary', language)} || ' ' || {_text('description', language)}"
    return (
        f"setweight(to_tsvector({configuration}, {name}), 'A') || "
        f"setweight(to_tsvector({configuration}, {body}), 'B')"
    )


class SearchDocument(Expression):
    """A generated column's expression: the weighted document, or NULL off PostgreSQL."""

    output_field = SearchVectorField()

    def __init__(self, language=None):
        super().__init__()
        self.language = language

    def deconstruct(self):
        args = (self.language,) if self.language else ()
        return ("catalog.search.SearchDocument", args, {})

    def as_sql(self, compiler, connection):
        return "NULL", []

    def as_postgresql(self, compiler, connection):
        return document_sql(self.language), []

    def __eq__(self, other):
        return isinstance(other, SearchDocument) and other.language == self.language

    def __hash__(self):
        return hash((type(self), self.language))


# What NFKD leaves whole: ligatures spelt out, as PostgreSQL's unaccent does, and
# the typographic apostrophes written as the one a keyboard types.
SPELT_OUT = str.maketrans(
    {"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss", "’": "'", "‘": "'", "ʼ": "'"}
)


def normalise(text: str) -> str:
    """Lower-case, strip accents and control characters, spell out ligatures and write
    every apostrophe alike: 'Sac à Dos' -> 'sac a dos', 'Œil d’aigle' -> "oeil d'aigle"."""
    decomposed = unicodedata.normalize("NFKD", text.translate(SPELT_OUT))
    kept = (
        c for c in decomposed if not unicodedata.combining(c) and unicodedata.category(c)[0] != "C"
    )
    return " ".join("".join(kept).lower().split())


def search_condition(terms: str) -> Q:
    """Products matching `terms`, on a queryset with `ProductQuerySet.searchable()` aliases.

    PostgreSQL: full-text search in the page's language, accent-insensitive,
    on that language's indexed document. SQLite: every word of the query,
    lower-cased and without accents, appears in the folded name, summary and
    description of the page's language.
    """
    if connection.vendor == "postgresql":
        return Q(**{document_field(): search_query(terms)})
    condition = Q()
    for word in normalise(terms).split()[:8]:
        condition &= Q(search_folded__contains=word)
    return condition


def order_by_relevance(queryset, terms: str):
    """Best matches first: the name weighs more than the description (PostgreSQL)."""
    if connection.vendor == "postgresql":
        rank = SearchRank(F(document_field()), search_query(terms))
        return queryset.annotate(rank=rank).order_by("-rank", *name_order())
    return queryset.order_by(*name_order())


def name_order():
    """Alphabetical, ignoring case and accents: "Sac de randonnée" before "Sac Urban".

    PostgreSQL folds with its unaccent extension (installed by the search
    migration); SQLite with `normalise`, which catalog.apps registers.
    """
    name = localized("name")
    if connection.vendor == "postgresql":
        folded = Lower(Func(name, function="public.unaccent"))
    else:
        folded = Func(name, function="millet_fold")
    return [folded, "pk"]


def document_field():
    """The search document of the page's language (PostgreSQL)."""
    return DOCUMENT_FIELDS.get(get_language(), DOCUMENT_FIELDS["fr"])


def search_query(terms):
    configuration = CONFIGURATIONS.get(get_language(), CONFIGURATIONS["fr"])
    return SearchQuery(terms, config=configuration, search_type="websearch")
