"""How the public reaches 111 (rule 6(s)): schools with their QR forms and posters, campaign
source codes, and where applicants heard of the number."""
