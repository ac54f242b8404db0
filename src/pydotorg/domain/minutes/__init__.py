"""PSF board minutes at ``/psf/records/board/minutes/``: the list, one page per meeting, an RSS feed."""
