"""Community posts at ``/community/``: the community landing page and one page per public post."""
