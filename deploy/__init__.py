"""How FeedbackHub is put in front of its users: the reverse proxy's configuration."""
