"""How replies leave by the channel a written appeal came in on."""
