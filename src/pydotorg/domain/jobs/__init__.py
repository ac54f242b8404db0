"""The job board (``/jobs/``)."""
