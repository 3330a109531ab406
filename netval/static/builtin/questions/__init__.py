"""Config-only answers: references, BGP compatibility, route-policy tests and searches."""
