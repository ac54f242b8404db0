"""The staff admin at ``/admin/``: a registry of models and one generic set of pages over it."""
