"""Models of requests to agencies and their delivery."""
