"""Site search at ``/search/``: results over every section's documents, and the header's typeahead."""
