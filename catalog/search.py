"""What catalogue search runs on, per database.

PostgreSQL keeps a stored, GIN-indexed tsvector of each product, built with
`french_unaccent` (French stemming without accents): the name weighs A, the
summary and description B. SQLite has no full-text configuration of ours: the
column stays NULL there and search folds text at query time instead (see
catalog.filters.search_condition).
"""

from django.contrib.postgres.search import SearchVectorField
from django.db.models import Expression

DOCUMENT_SQL = (
    "setweight(to_tsvector('public.french_unaccent'::regconfig, coalesce(name, '')), 'A') || "
    "setweight(to_tsvector('public.french_unaccent'::regconfig, "
    "coalesce(summary, '') || ' ' || coalesce(description, '')), 'B')"
)


class SearchDocument(Expression):
    """The generated column's expression: the weighted document, or NULL off PostgreSQL."""

    output_field = SearchVectorField()

    def as_sql(self, compiler, connection):
        return "NULL", []

    def as_postgresql(self, compiler, connection):
        return DOCUMENT_SQL, []

    def __eq__(self, other):
        return isinstance(other, SearchDocument)

    def __hash__(self):
        return hash(type(self))
