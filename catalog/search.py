"""What catalogue search runs on, per database and per language.

PostgreSQL keeps a stored, GIN-indexed tsvector of each product per language:
`search_document` is built from the French texts with `french_unaccent`
(French stemming without accents), `search_document_en` from the English
texts, falling back to the French where no English is written yet, with
`english_unaccent`. The name weighs A, the summary and description B. SQLite
has no full-text configuration of ours: the columns stay NULL there and search
folds text at query time instead (see catalog.filters.search_condition).
"""

from django.contrib.postgres.search import SearchVectorField
from django.db.models import Expression

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
