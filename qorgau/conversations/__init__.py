"""Written conversations with the centre (rule 6(f)): an applicant writes through the web
resource, gets a number and a secret code, and reads the centre's replies with them."""
