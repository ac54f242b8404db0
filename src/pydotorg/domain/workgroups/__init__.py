"""PSF work groups: admin only, as on python.org (the public committees page is a CMS page)."""
