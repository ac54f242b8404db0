"""Site search: the results page, the typeahead and the reindex command (the documents come from each section)."""

from pydotorg.domain.search.cli import search_group
from pydotorg.domain.search.controllers import SearchController
from pydotorg.web.section import Section

SECTION = Section(name="search", pages=[SearchController], commands=[search_group])
