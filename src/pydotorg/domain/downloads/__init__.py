"""Downloads (``/downloads/``, ``/getit/``, ``/doc/``) and the release APIs (``/api/v1/``, ``/api/v2/``)."""
