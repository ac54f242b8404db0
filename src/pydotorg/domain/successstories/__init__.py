"""Success stories at ``/success-stories/``: stories by category, submitted by users, published by staff."""
